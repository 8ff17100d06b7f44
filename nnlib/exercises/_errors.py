"""The two ways an answer to a self-checking exercise is not right yet (chapters 1 to 12).

A part left as the template's ``...`` raises :class:`NotAnsweredError`; a wrong part raises
:class:`WrongAnswer`, an ``AssertionError``, so that an autograder (nbgrader runs the check
cells as tests) counts it as a failed test and tells the two apart.
"""


class NotAnsweredError(Exception):
    """A part of an exercise still holds the template's ``...``: the student has not answered it yet.

    Not an ``AssertionError``, so that "not answered" and "wrong" stay distinguishable.
    """


class WrongAnswer(AssertionError):
    """One part of an answer is wrong; the message says where, never what the answer is."""
