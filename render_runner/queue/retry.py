"""The retry policy: given what went wrong and how many attempts a job has had, when to try again.

    retry now   the attempt does not count: the run was stopped or aborted (the job is released)
    later       after a backoff that doubles with each attempt, while attempts are left
    never       a bad payload, a render the worker calls permanent, a storage error retrying
                cannot fix (missing bucket, wrong credentials), or no attempts left

The queue carries the decision out (`JobQueue.release` / `JobQueue.fail`); a job whose runner died
is not a decision of this policy: its lease expires and another claim takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from render_runner.render.contract import InvalidPayload
from render_runner.render.pool import RenderError
from render_runner.storage.base import StorageError


class When(Enum):
    NOW = "now"
    LATER = "later"
    NEVER = "never"


@dataclass(frozen=True)
class Decision:
    when: When
    delay_s: float = 0.0  # for LATER
    message: str = ""  # one line, for the job's last_error

    @property
    def retry_after_s(self) -> float | None:
        """What `JobQueue.fail` takes: seconds before the next attempt, None for never."""
        return self.delay_s if self.when is When.LATER else None


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff_s: float = 5.0  # before the first retry; doubles each attempt

    def decide(self, exc: BaseException, attempts: int, *, aborting: bool = False) -> Decision:
        """`attempts`: the attempts the job has had, this one included."""
        message = describe(exc)
        if aborting or isinstance(exc, RenderError) and exc.kind == "aborted":
            return Decision(When.NOW, message="aborted")
        if is_permanent(exc) or attempts >= self.max_attempts:
            return Decision(When.NEVER, message=message)
        return Decision(When.LATER, self.backoff_s * (2 ** max(attempts - 1, 0)), message)


def is_permanent(exc: BaseException) -> bool:
    """Retrying will not help until someone changes the payload or the configuration."""
    if isinstance(exc, InvalidPayload):
        return True
    if isinstance(exc, RenderError):
        return exc.permanent
    if isinstance(exc, StorageError):
        return not exc.transient
    return False


def describe(exc: BaseException) -> str:
    """One line for a person: our own errors' messages as they are, others with their type."""
    message = str(exc) if isinstance(exc, (InvalidPayload, RenderError)) else f"{type(exc).__name__}: {exc}"
    return " ".join(message.split())
