"""The retry policy: given what went wrong and how many attempts a job has had, when to try again.

    retry now   the attempt does not count: the run was stopped or aborted (the job is released)
    later       after a backoff that doubles with each attempt (with random jitter, so that many
                runners do not retry in step), while attempts are left
    never       a bad payload, a render the worker calls permanent, a storage error retrying
                cannot fix (HTTP 4xx: invalid key, ...), or no attempts left
    stop run    a storage error that every job would hit (access denied, missing bucket, bad
                credentials): the job is given back with the reason and the run fails at once

Uploads have their own, shorter loop (`upload_delay`): the runner retries storing the file it
already rendered, in the same job and under its lease, before giving the job back to the queue.

The queue carries the decision out (`JobQueue.release` / `JobQueue.fail`); a job whose runner died
is not a decision of this policy: its lease expires and another claim takes it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
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
    stop_run: bool = False  # NOW, because of an error every job would hit: the run fails with `message`

    @property
    def retry_after_s(self) -> float | None:
        """What `JobQueue.fail` takes: seconds before the next attempt, None for never."""
        return self.delay_s if self.when is When.LATER else None


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff_s: float = 5.0  # before the first retry; doubles each attempt
    jitter: float = 0.0  # each delay is drawn from [delay x (1 - jitter), delay]; the runner uses JITTER
    upload_attempts: int = 5  # tries to store one rendered file before the job is given back
    upload_backoff_s: float = 1.0  # before the second try; doubles each try (1, 2, 4, 8 s)
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def decide(self, exc: BaseException, attempts: int, *, aborting: bool = False) -> Decision:
        """`attempts`: the attempts the job has had, this one included."""
        message = describe(exc)
        if aborting or isinstance(exc, RenderError) and exc.kind == "aborted":
            return Decision(When.NOW, message="aborted")
        if stops_run(exc):
            return Decision(When.NOW, message=message, stop_run=True)
        if is_permanent(exc) or attempts >= self.max_attempts:
            return Decision(When.NEVER, message=message)
        return Decision(When.LATER, self._jittered(self.backoff_s * (2 ** max(attempts - 1, 0))), message)

    def upload_delay(self, exc: BaseException, tries: int) -> float | None:
        """Seconds before storing the same file again after `tries` failed tries; None: give up now."""
        if not isinstance(exc, StorageError) or not exc.transient or tries >= self.upload_attempts:
            return None
        return self._jittered(self.upload_backoff_s * (2 ** max(tries - 1, 0)))

    def _jittered(self, delay: float) -> float:
        return delay * (1 - self.jitter * self.rng.random()) if self.jitter else delay


JITTER = 0.25  # what the runner uses: delays between 75 % and 100 % of the doubling backoff


def stops_run(exc: BaseException) -> bool:
    """An error about the storage itself rather than one job: stop the run instead of failing every job."""
    return isinstance(exc, StorageError) and exc.every_job


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
    message = str(exc) if isinstance(exc, (InvalidPayload, RenderError, StorageError)) else f"{type(exc).__name__}: {exc}"
    return " ".join(message.split())
