"""Write nnlib/exercises/fingerprints.json from the reference answers: ``python tools/exercise_fingerprints.py [--check]``.

The reference answers live outside the package, in ``tests/exercise_solutions.py``. For every
self-checking exercise of ``nnlib.exercises.EXERCISES`` this computes the fingerprint of each
part that is a number, an array, an expression or a choice (functions are checked against
nnlib and need none), with ``nnlib.exercises.fingerprint_answers``, and writes them as JSON,
the data file the package reads with ``importlib.resources`` (and ships: pyproject.toml's
package data). ``--check`` writes nothing and exits 1 if the file is not current
(``tests/test_exercises.py`` runs the same comparison).
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "nnlib" / "exercises" / "fingerprints.json"


def fingerprints():
    """``{label: {part: fingerprint}}`` for every part that has one."""
    sys.path.insert(0, str(ROOT / "tests"))
    from exercise_solutions import SOLUTIONS  # noqa: PLC0415

    from nnlib.exercises import fingerprint_answers  # noqa: PLC0415

    try:
        return fingerprint_answers(SOLUTIONS)
    except ValueError as error:
        raise SystemExit(f"tests/exercise_solutions.py: {error}") from None


def data_text():
    """The text of the data file: salted hashes only, never an answer (see nnlib.exercises)."""
    return json.dumps(fingerprints(), indent=1) + "\n"


def main(argv):
    text = data_text()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            raise SystemExit(f"{OUT.relative_to(ROOT)} is not current: run python tools/exercise_fingerprints.py")
        print(f"{OUT.relative_to(ROOT)} is current")
        return
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
