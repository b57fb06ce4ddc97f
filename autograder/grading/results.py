"""The explicit result objects every report is rendered from (never parsed from printed output)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..files import encodable


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters (saying how many were cut) and cleaned for writing: what
    reaches a report from a submission is bounded on the trusted side."""
    text = encodable(str(text))
    if len(text) > limit:
        text = text[:limit] + f"\n[... {len(text) - limit} more characters not shown]"
    return text


@dataclass
class TestResult:
    """One grader test: one behaviour of the contract."""

    __test__ = False  # not a pytest test class

    exercise: str
    name: str            # the pytest function name, e.g. "test_rnn_forward_uses_h0"
    description: str     # one line a student understands
    max_score: float
    score: float
    passed: bool
    message: str = ""    # what is wrong, expected vs got; empty when passed
    # The catalogued mistake a failure matches, in plain words ("the recurrent weight is transposed"),
    # when the grader names one; the class summary counts the students per misconception.
    misconception: str = ""


@dataclass
class ExerciseResult:
    """Every test of one exercise for one submission."""

    exercise: str
    submission: str      # the file that was graded
    tests: list[TestResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # loading problems, e.g. "cell 4 raised NameError"
    limits: list[str] = field(default_factory=list)    # sandbox limits hit: timeouts, crashes, floods
    data: dict = field(default_factory=dict)           # what graders recorded, e.g. training losses
    output: str = ""     # head of what the submission printed
    seconds: float = 0.0
    isolation: str = ""  # the sandbox it ran in: "full" or "limited (...)" (Zygote.isolation)
    # A file was handed in for the exercise and loaded. False: none was, it could not be read, or it
    # was refused (problems[0] says why); its tests then say nothing of the student's code, and the
    # class summary's pass rates leave it out.
    attempted: bool = True

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.tests)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(score=self.score, max_score=self.max_score)
        return d


@dataclass
class Report:
    """What one `autograder grade` run decided: one or more exercises of one submission."""

    submission: str
    exercises: list[ExerciseResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    @property
    def tests(self) -> list[TestResult]:
        return [t for e in self.exercises for t in e.tests]

    def to_dict(self) -> dict:
        return {"submission": self.submission, "score": self.score, "max_score": self.max_score,
                "exercises": [e.to_dict() for e in self.exercises]}
