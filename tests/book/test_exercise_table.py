"""The book's exercises against nnlib's exercise kit, and the instructor's guide's generated parts.

- every exercise of the chapters is either checked by the kit or listed with the reason it is not;
- ``appendices/_exercise_table.md`` and ``_hub_links.md`` are current (tools/exercise_table.py).
"""
import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import exercise_table  # noqa: E402
import myst  # noqa: E402
from exercise_kit import kit  # noqa: E402

_exercises, EXERCISES, WRITTEN = kit()


def test_every_exercise_is_checked_or_has_a_reason():
    labels, chapter_of = [], {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for _cell, exercise in myst.notebook_directives(json.loads(path.read_text(encoding="utf-8")), "exercise"):
            labels.append(exercise.options.get("label"))
            chapter_of[labels[-1]] = int(path.name[:2])
    assert not set(EXERCISES) & set(WRITTEN)
    assert sorted(labels) == sorted(set(EXERCISES) | set(WRITTEN))
    for label, exercise in EXERCISES.items():  # the registry's chapter is the chapter's own
        assert chapter_of[label] == exercise.chapter, label



def test_the_guide_s_exercise_table_and_hub_links_are_current():
    assert (ROOT / "appendices" / "_exercise_table.md").read_text(encoding="utf-8") == exercise_table.table(), \
        "run: python tools/exercise_table.py"
    assert (ROOT / "appendices" / "_hub_links.md").read_text(encoding="utf-8") == exercise_table.hub_links()
    assert "```{include} _exercise_table.md" in (ROOT / "appendices" / "instructors.md").read_text(encoding="utf-8")


def test_the_table_lists_every_exercise_with_difficulty_time_and_check():
    rows = exercise_table.exercises()
    text = exercise_table.table()
    assert len(rows) == len(set(EXERCISES) | set(WRITTEN))
    for number, stem, label, title, level, minutes in rows:
        assert f"<{label}>` | {level} | ~{minutes} min | " in text
        assert level in {"routine", "standard", "hard"} and minutes > 0
    for chapter in {row[0] for row in rows}:  # every chapter has a hard exercise
        assert any(row[4] == "hard" for row in rows if row[0] == chapter), chapter
    assert text.count("| yes: ") == len(EXERCISES) and text.count("| no: ") == len(WRITTEN)


def test_the_table_tool_fails_clearly_on_an_exercise_without_difficulty(tmp_path):
    cell = {"cell_type": "markdown", "metadata": {}, "source": [
        "```{exercise} Untimed\n", ":label: ex-ch1-untimed\n", "\n", "Compute something.\n", "```\n"]}
    (tmp_path / "01_x.ipynb").write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                                     "nbformat_minor": 5}))
    with pytest.raises(ValueError, match=r"01_x.ipynb: exercise 'ex-ch1-untimed' does not start with its difficulty"):
        exercise_table.exercises(tmp_path)
