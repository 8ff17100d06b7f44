"""Where the tools find nnlib's exercise kit: the one place that imports it.

The student edition inserts an answer cell and a check cell after every exercise the kit
checks; the instructor's guide lists which exercises are checked. Both ask ``kit()``, so a
move of the kit inside nnlib changes this function only.
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def kit():
    """``(exercises module, {label: checked exercise}, {label: why it is not checked})``."""
    if str(ROOT) not in sys.path:  # nnlib from this checkout, when it is not installed
        sys.path.insert(0, str(ROOT))
    from nnlib import exercises  # noqa: PLC0415
    from nnlib.exercises import EXERCISES, WRITTEN  # noqa: PLC0415

    return exercises, EXERCISES, WRITTEN
