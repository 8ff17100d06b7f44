"""One self-checking exercise of chapters 1 to 12: its chapter, title, parts and points."""
from dataclasses import dataclass


@dataclass
class Exercise:
    """A self-checking exercise: what the student edition's answer and check cells are made of.

    Parameters
    ----------
    chapter : int
        The chapter the exercise is in.
    title : str
        Its title, as the chapter gives it (the answer cell quotes it).
    parts : dict
        ``{name: kind}``: one entry per answer, in the order of the answer cell; each kind is
        a :class:`Number`, :class:`Array`, :class:`Expression`, :class:`Choice` or :class:`Function`.
    note : str
        A comment for the answer cell, e.g. which parts are proofs to compare with the solution.
    points : int
        What the check is worth when nbgrader grades the student edition.
    """

    chapter: int
    title: str
    parts: dict
    note: str = ""
    points: int = 1
