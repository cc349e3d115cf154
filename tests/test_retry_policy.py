"""The retry policy: what went wrong + attempts so far -> retry now, later (with a backoff) or never."""

from __future__ import annotations

import random

import pytest

from render_runner.queue.retry import RetryPolicy, When
from render_runner.render.contract import InvalidPayload
from render_runner.render.pool import RenderError
from render_runner.storage.base import StorageError

POLICY = RetryPolicy(max_attempts=3, backoff_s=5.0)


def test_a_passing_failure_is_retried_later_with_a_backoff_that_doubles() -> None:
    delays = [POLICY.decide(RenderError("boom", kind="crash"), attempts).delay_s for attempts in (1, 2)]
    assert [POLICY.decide(RuntimeError("x"), a).when for a in (1, 2)] == [When.LATER, When.LATER]
    assert delays == [5.0, 10.0]


def test_the_last_attempt_is_never_retried() -> None:
    decision = POLICY.decide(RenderError("render timed out after 600 s", kind="timeout"), 3)
    assert decision.when is When.NEVER and decision.retry_after_s is None


@pytest.mark.parametrize(
    "exc",
    [
        InvalidPayload("invalid payload: dreams.total: -1 is less than 0"),
        RenderError("invalid payload: dreams.busiest_month", kind="invalid_payload"),
        StorageError("bucket recaps does not exist or is not accessible: not found (HTTP 404)", transient=False),
    ],
)
def test_errors_that_retrying_cannot_fix_fail_at_once(exc: Exception) -> None:
    assert POLICY.decide(exc, 1).when is When.NEVER


def test_a_transient_storage_error_is_retried_later() -> None:
    assert POLICY.decide(StorageError("S3 upload failed: could not connect", transient=True), 1).when is When.LATER


def test_an_aborted_render_is_released_now_whatever_the_error() -> None:
    assert POLICY.decide(RenderError("aborted", kind="aborted"), 1).when is When.NOW
    assert POLICY.decide(InvalidPayload("invalid payload: x"), 3, aborting=True).when is When.NOW


def test_the_message_is_one_line_and_names_foreign_exception_types() -> None:
    assert POLICY.decide(OSError("disk\n  full"), 1).message == "OSError: disk full"
    assert POLICY.decide(InvalidPayload("invalid payload: user.id"), 1).message == "invalid payload: user.id"


def test_jitter_spreads_the_delay_below_the_doubling_backoff() -> None:
    policy = RetryPolicy(max_attempts=5, backoff_s=4.0, jitter=0.25, rng=random.Random(7))
    delays = [policy.decide(RuntimeError("x"), 2).delay_s for _ in range(50)]
    assert all(6.0 <= d <= 8.0 for d in delays)
    assert len(set(delays)) > 1


@pytest.mark.parametrize(
    "exc",
    [
        StorageError("S3 upload to s3://gone/2026/a.mp4 failed: NoSuchBucket", transient=False, every_job=True),
        StorageError("S3 upload failed: AccessDenied", transient=False, every_job=True),
    ],
)
def test_a_storage_error_every_job_would_hit_stops_the_run_and_gives_the_job_back(exc: Exception) -> None:
    decision = POLICY.decide(exc, 1)
    assert decision.when is When.NOW and decision.stop_run and "failed" in decision.message


def test_a_permanent_error_about_one_object_fails_only_that_job() -> None:
    decision = POLICY.decide(StorageError("invalid storage key '../x'", transient=False), 1)
    assert decision.when is When.NEVER and not decision.stop_run


def test_a_transient_error_is_never_run_fatal() -> None:
    assert not StorageError("503", transient=True, every_job=True).every_job


def test_uploads_are_retried_with_a_doubling_backoff_only_for_transient_errors() -> None:
    policy = RetryPolicy(upload_attempts=4, upload_backoff_s=1.0)
    outage = StorageError("S3 upload failed: could not connect to endpoint", transient=True)
    assert [policy.upload_delay(outage, tries) for tries in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, None]
    assert policy.upload_delay(StorageError("AccessDenied", transient=False), 1) is None
    assert policy.upload_delay(RuntimeError("not storage"), 1) is None

