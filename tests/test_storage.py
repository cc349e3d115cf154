"""Storage: secret keys, the local folder, and S3 (moto for the logic, SeaweedFS for the real thing)."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import socket
import stat
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from render_runner.errors import RecapError
from render_runner.storage import (
    LocalStorage,
    S3Settings,
    S3Storage,
    StorageError,
    check_key,
    open_storage,
    parse_s3_uri,
)
from render_runner.storage import local as local_storage
from render_runner.storage import s3 as s3_storage
from render_runner.storage.keys import object_key, page_key, poster_key, video_key
from render_runner.storage.secret import SECRET_ENV_VAR, load_secret
from tests.s3_server import SeaweedS3

MiB = 1024 * 1024
SMALL_PARTS = S3Settings(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)  # 5 MiB is S3's minimum part


def write_file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------- keys


def test_object_key_is_the_truncated_hmac_sha256_of_user_and_year() -> None:
    expected = hmac.new(b"s3cret", b"42:2024", hashlib.sha256).hexdigest()[:32]
    assert object_key(42, 2024, b"s3cret") == expected


def test_object_key_changes_with_user_year_and_secret() -> None:
    keys = {object_key(1, 2024, b"a"), object_key(2, 2024, b"a"), object_key(1, 2025, b"a"), object_key(1, 2024, b"b")}
    assert len(keys) == 4


def test_video_and_poster_keys_have_no_leading_slash_without_prefix() -> None:
    assert video_key("", 2024, "abc") == "2024/abc.mp4"
    assert poster_key("", 2024, "abc") == "2024/abc.jpg"
    assert page_key("", 2024, "abc") == "2024/abc.html"
    assert video_key("recaps/", 2024, "abc") == "recaps/2024/abc.mp4"


def test_secret_comes_from_the_environment_first(tmp_path: Path) -> None:
    (tmp_path / ".recap_key").write_text("from-file-" + "f" * 32 + "\n")
    assert load_secret(tmp_path, {SECRET_ENV_VAR: "from-env-" + "e" * 32}) == b"from-env-" + b"e" * 32


def test_empty_secret_variable_is_an_error_not_a_silent_fallback(tmp_path: Path) -> None:
    with pytest.raises(RecapError, match=SECRET_ENV_VAR):
        load_secret(tmp_path, {SECRET_ENV_VAR: " "})


def test_missing_secret_is_created_once_private_and_reused(tmp_path: Path) -> None:
    first = load_secret(tmp_path, {})
    path = tmp_path / ".recap_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 64 and int(first, 16) >= 0  # 32 random bytes as hex
    assert load_secret(tmp_path, {}) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == [".recap_key"]  # no temp file left


def test_runners_starting_together_agree_on_one_new_secret(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        secrets_seen = set(pool.map(lambda _: load_secret(tmp_path, {}), range(16)))
    assert len(secrets_seen) == 1


# ---------------------------------------------------------------------------- choosing a backend


def test_output_without_s3_scheme_is_a_local_folder_created_on_open(tmp_path: Path) -> None:
    storage = open_storage(str(tmp_path / "out" / "nested"))
    assert isinstance(storage, LocalStorage)
    assert (tmp_path / "out" / "nested").is_dir()


def test_s3_uri_splits_into_bucket_and_prefix() -> None:
    assert parse_s3_uri("s3://bucket") == ("bucket", "")
    assert parse_s3_uri("s3://bucket/a/b/") == ("bucket", "a/b")
    with pytest.raises(StorageError, match="s3://bucket"):
        parse_s3_uri("s3:///prefix")


@pytest.mark.parametrize("key", ["", "/abs/x.mp4", "../x.mp4", "2024/../../x.mp4", "2024//x.mp4", "./x.mp4"])
def test_keys_that_could_escape_the_root_are_rejected(key: str) -> None:
    with pytest.raises(StorageError, match="invalid storage key"):
        check_key(key)


# ----------------------------------------------------------------------------------------- local


def test_local_put_moves_the_file_into_place(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "out")
    source = write_file(tmp_path / "render.mp4", b"video")
    uri = storage.put(source, "2024/abc.mp4", "video/mp4")
    assert uri == str(tmp_path / "out" / "2024" / "abc.mp4")
    assert Path(uri).read_bytes() == b"video"
    assert not source.exists()  # same filesystem: renamed, not copied


def test_local_put_overwrites_the_same_key(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "out")
    storage.put(write_file(tmp_path / "a", b"first"), "2024/abc.mp4", "video/mp4")
    storage.put(write_file(tmp_path / "b", b"second!"), "2024/abc.mp4", "video/mp4")
    assert storage.size("2024/abc.mp4") == 7
    assert list((tmp_path / "out" / "2024").iterdir()) == [tmp_path / "out" / "2024" / "abc.mp4"]


def test_local_put_across_filesystems_copies_without_leaving_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_storage, "_rename_into_place", lambda src, final: False)  # as if EXDEV
    storage = LocalStorage(tmp_path / "out")
    storage.put(write_file(tmp_path / "render.mp4", b"x" * 100_000), "2024/abc.mp4", "video/mp4")
    assert storage.size("2024/abc.mp4") == 100_000
    assert [p.name for p in (tmp_path / "out" / "2024").iterdir()] == ["abc.mp4"]


def test_failure_mid_copy_leaves_neither_a_partial_file_nor_a_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = LocalStorage(tmp_path / "out")
    storage.put(write_file(tmp_path / "old.mp4", b"old complete video"), "2024/abc.mp4", "video/mp4")

    def copy_half_then_fail(reader: Any, writer: Any, length: int = 0) -> None:
        writer.write(reader.read(50_000))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(local_storage, "_rename_into_place", lambda src, final: False)
    monkeypatch.setattr(shutil, "copyfileobj", copy_half_then_fail)
    source = write_file(tmp_path / "new.mp4", b"n" * 100_000)
    with pytest.raises(StorageError, match="No space left on device") as info:
        storage.put(source, "2024/abc.mp4", "video/mp4")
    assert info.value.transient
    assert (tmp_path / "out" / "2024" / "abc.mp4").read_bytes() == b"old complete video"
    assert [p.name for p in (tmp_path / "out" / "2024").iterdir()] == ["abc.mp4"]
    assert source.read_bytes() == b"n" * 100_000  # the render survives for a retry


def test_local_put_of_a_missing_file_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="No such file"):
        LocalStorage(tmp_path).put(tmp_path / "missing.mp4", "2024/abc.mp4", "video/mp4")


def test_local_lookups_url_and_delete(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    uri = storage.put(write_file(tmp_path / "p.jpg", b"jpeg"), "2024/abc.jpg", "image/jpeg")
    assert storage.exists("2024/abc.jpg") and storage.size("2024/abc.jpg") == 4
    assert storage.url(uri, 60) == uri == storage.url("2024/abc.jpg", 60)
    storage.delete("2024/abc.jpg")
    storage.delete("2024/abc.jpg")  # deleting twice is fine
    assert not storage.exists("2024/abc.jpg") and storage.size("2024/abc.jpg") is None


def test_only_old_temp_files_are_swept(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    (tmp_path / "2024").mkdir()
    old = write_file(tmp_path / "2024" / "a.mp4.tmp-0123456789ab", b"")
    young = write_file(tmp_path / "2024" / "b.mp4.tmp-ba9876543210", b"")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert storage.remove_stale_temp_files(older_than_s=3600) == 1
    assert not old.exists() and young.exists()


# ------------------------------------------------------------------------------- S3 logic (moto)


@pytest.fixture
def moto_bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An in-process fake S3 with one bucket; only for the storage code's own logic."""
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        boto3.session.Session().client("s3", region_name="us-east-1").create_bucket(Bucket="recap-unit")
        yield "recap-unit"


def test_s3_put_stores_under_the_prefix_with_the_content_type(moto_bucket: str, tmp_path: Path) -> None:
    storage = open_storage(f"s3://{moto_bucket}/recaps/")
    uri = storage.put(write_file(tmp_path / "v.mp4", b"video"), "2024/abc.mp4", "video/mp4")
    assert uri == f"s3://{moto_bucket}/recaps/2024/abc.mp4"
    head = boto3.client("s3").head_object(Bucket=moto_bucket, Key="recaps/2024/abc.mp4")
    assert head["ContentType"] == "video/mp4"
    assert storage.exists("2024/abc.mp4") and storage.size("2024/abc.mp4") == 5


ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def _grantees(bucket: str, key: str) -> list[str]:
    grants = boto3.client("s3").get_object_acl(Bucket=bucket, Key=key)["Grants"]
    return [g["Grantee"].get("URI") or g["Grantee"].get("ID", "") for g in grants]


def test_s3_objects_are_private_unless_shared_publicly(moto_bucket: str, tmp_path: Path) -> None:
    open_storage(f"s3://{moto_bucket}").put(write_file(tmp_path / "a.html", b"<p>"), "2024/private.html", "text/html")
    public = open_storage(f"s3://{moto_bucket}", public=True)
    public.put(write_file(tmp_path / "b.html", b"<p>"), "2024/public.html", "text/html")
    assert ALL_USERS not in _grantees(moto_bucket, "2024/private.html")
    assert ALL_USERS in _grantees(moto_bucket, "2024/public.html")
    assert public.public_url("2024/public.html") == f"https://{moto_bucket}.s3.us-east-1.amazonaws.com/2024/public.html"


def test_a_bucket_that_refuses_object_acls_gets_public_objects_without_one(moto_bucket: str, tmp_path: Path) -> None:
    """AWS buckets with ACLs disabled (the default since 2023) refuse the header: public reads are then the bucket policy's."""
    storage = open_storage(f"s3://{moto_bucket}", public=True)
    sent: list[str | None] = []

    def refuse_acls(params: dict[str, Any], **_: Any) -> None:
        sent.append(params.get("ACL"))
        if "ACL" in params:
            error = {"Code": "AccessControlListNotSupported", "Message": "The bucket does not allow ACLs"}
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, "PutObject")  # type: ignore[arg-type]

    storage.client.meta.events.register("provide-client-params.s3.PutObject", refuse_acls)
    storage.put(write_file(tmp_path / "v.mp4", b"video"), "2024/a.mp4", "video/mp4")
    storage.put(write_file(tmp_path / "p.jpg", b"poster"), "2024/a.jpg", "image/jpeg")
    assert sent == ["public-read", None, None]  # refused once, then never sent again
    assert storage.exists("2024/a.mp4") and storage.exists("2024/a.jpg")


def test_s3_lookups_of_a_missing_object_say_so(moto_bucket: str) -> None:
    storage = open_storage(f"s3://{moto_bucket}")
    assert not storage.exists("2024/none.mp4")
    assert storage.size("2024/none.mp4") is None


def test_s3_url_is_presigned_for_the_stored_uri_or_the_key(moto_bucket: str) -> None:
    storage = open_storage(f"s3://{moto_bucket}/recaps")
    from_uri = storage.url(f"s3://{moto_bucket}/recaps/2024/abc.mp4", 3600)
    from_key = storage.url("2024/abc.mp4", 3600)
    for url in (from_uri, from_key):
        assert "/recaps/2024/abc.mp4?" in url and "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url


def test_s3_url_cannot_outlive_seven_days(moto_bucket: str) -> None:
    storage = open_storage(f"s3://{moto_bucket}")
    assert storage.url("2024/abc.mp4", 7 * 24 * 3600)
    with pytest.raises(StorageError, match="7 days"):
        storage.url("2024/abc.mp4", 7 * 24 * 3600 + 1)


def test_opening_a_missing_bucket_names_it(moto_bucket: str) -> None:
    with pytest.raises(StorageError, match=r"bucket no-such-bucket does not exist or is not accessible: not found \(HTTP 404\)") as info:
        open_storage("s3://no-such-bucket/x")
    assert not info.value.transient


def test_s3_upload_of_a_missing_local_file_is_a_storage_error(moto_bucket: str, tmp_path: Path) -> None:
    storage = open_storage(f"s3://{moto_bucket}")
    with pytest.raises(StorageError, match=f"S3 upload to s3://{moto_bucket}/2024/abc.mp4 failed: .*No such file"):
        storage.put(tmp_path / "missing.mp4", "2024/abc.mp4", "video/mp4")


def test_missing_credentials_are_a_clear_permanent_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    storage = S3Storage("bucket", endpoint_url="http://127.0.0.1:9", region="us-east-1")
    with pytest.raises(StorageError, match="no usable AWS credentials") as info:
        storage.put(write_file(tmp_path / "v.mp4", b"v"), "2024/abc.mp4", "video/mp4")
    assert not info.value.transient


def test_an_endpoint_that_never_answers_times_out_with_a_readable_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with socket.socket() as black_hole:  # the kernel accepts connections; nobody ever replies
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(8)
        endpoint = f"http://127.0.0.1:{black_hole.getsockname()[1]}"
        settings = S3Settings(read_timeout_s=0.5, max_attempts=1)
        storage = S3Storage("bucket", endpoint_url=endpoint, region="us-east-1", settings=settings)
        with pytest.raises(StorageError, match=f"failed: timed out waiting for endpoint {endpoint}$") as info:
            storage.put(write_file(tmp_path / "v.mp4", b"v"), "2024/abc.mp4", "video/mp4")
    assert info.value.transient


def test_an_unknown_aws_profile_is_a_storage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile-anywhere")
    with pytest.raises(StorageError, match="cannot set up the S3 client for s3://bucket: .*no-such-profile-anywhere"):
        S3Storage("bucket", endpoint_url="http://127.0.0.1:9")


@pytest.mark.parametrize(
    ("error", "status", "reason", "transient"),
    [
        ({"Code": "AccessDenied", "Message": "Access Denied"}, 403, "AccessDenied: Access Denied", False),
        ({"Code": "403", "Message": "Forbidden"}, 403, "access denied (HTTP 403)", False),  # HEAD: no body
        ({"Code": "SlowDown", "Message": "Please reduce"}, 503, "SlowDown: Please reduce", True),
        ({"Code": "InternalError"}, 500, "InternalError", True),
    ],
)
def test_service_errors_become_one_readable_line(error: Any, status: int, reason: str, transient: bool) -> None:
    response: Any = {"Error": error, "ResponseMetadata": {"HTTPStatusCode": status}}
    assert s3_storage._describe_error(ClientError(response, "PutObject"), "http://s3") == (reason, transient)


def test_default_transfer_and_network_settings_fail_fast_and_use_multipart() -> None:
    settings = S3Settings()
    assert settings.multipart_threshold == 8 * MiB
    config = settings.client_config(path_style=True)
    assert config.retries == {"mode": "standard", "max_attempts": 3}
    assert config.connect_timeout <= 5 and config.read_timeout <= 60


# ------------------------------------------------------------------------- S3 for real (SeaweedFS)


@pytest.fixture
def s3_env(s3_server: SeaweedS3, monkeypatch: pytest.MonkeyPatch) -> SeaweedS3:
    """Point the standard credential chain at the test server, as a deployment would."""
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(var, raising=False)
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    return s3_server


@pytest.mark.s3
def test_retried_upload_overwrites_the_same_object(s3_env: SeaweedS3, s3_bucket: str, tmp_path: Path) -> None:
    storage = open_storage(f"s3://{s3_bucket}/recaps")
    first = storage.put(write_file(tmp_path / "a.mp4", b"first"), "2024/abc.mp4", "video/mp4")
    second = storage.put(write_file(tmp_path / "b.mp4", b"second!"), "2024/abc.mp4", "video/mp4")
    assert first == second == f"s3://{s3_bucket}/recaps/2024/abc.mp4"
    listed = s3_env.client().list_objects_v2(Bucket=s3_bucket)["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [("recaps/2024/abc.mp4", 7)]


@pytest.mark.s3
def test_file_above_the_threshold_is_uploaded_in_parts(s3_env: SeaweedS3, s3_bucket: str, tmp_path: Path) -> None:
    data = os.urandom(11 * MiB)  # 5 + 5 + 1 MiB
    storage = open_storage(f"s3://{s3_bucket}", settings=SMALL_PARTS)
    storage.put(write_file(tmp_path / "big.mp4", data), "2024/big.mp4", "video/mp4")
    obj = s3_env.client().get_object(Bucket=s3_bucket, Key="2024/big.mp4")
    assert obj["ETag"].strip('"').endswith("-3")  # AWS-style multipart ETag: md5-of-md5s-<parts>
    assert obj["ContentType"] == "video/mp4"
    assert obj["Body"].read() == data


@pytest.mark.s3
def test_presigned_url_downloads_over_plain_http(s3_env: SeaweedS3, s3_bucket: str, tmp_path: Path) -> None:
    storage = open_storage(f"s3://{s3_bucket}")
    uri = storage.put(write_file(tmp_path / "p.jpg", b"poster bytes"), "2024/abc.jpg", "image/jpeg")
    with urllib.request.urlopen(storage.url(uri, 300), timeout=10) as response:
        assert response.read() == b"poster bytes"
        assert response.headers["Content-Type"] == "image/jpeg"


@pytest.mark.s3
def test_objects_are_private_to_unsigned_requests(s3_env: SeaweedS3, s3_bucket: str, tmp_path: Path) -> None:
    storage = open_storage(f"s3://{s3_bucket}")
    storage.put(write_file(tmp_path / "v.mp4", b"video"), "2024/abc.mp4", "video/mp4")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{s3_env.endpoint_url}/{s3_bucket}/2024/abc.mp4", timeout=10)
    assert info.value.code == 403


@pytest.mark.s3
def test_signatures_are_checked_by_the_server(s3_env: SeaweedS3, s3_bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(StorageError, match=f"bucket {s3_bucket} does not exist or is not accessible: access denied") as info:
        open_storage(f"s3://{s3_bucket}")
    assert not info.value.transient


@pytest.mark.s3
def test_opening_a_missing_bucket_on_the_server_fails_clearly(s3_env: SeaweedS3) -> None:
    with pytest.raises(StorageError, match="bucket never-created does not exist or is not accessible"):
        open_storage("s3://never-created/recaps")


@pytest.mark.s3
def test_upload_into_a_bucket_deleted_after_open_is_a_permanent_error(s3_env: SeaweedS3, tmp_path: Path) -> None:
    bucket = s3_env.create_bucket()
    storage = open_storage(f"s3://{bucket}")
    s3_env.client().delete_bucket(Bucket=bucket)
    with pytest.raises(StorageError, match=f"S3 upload to s3://{bucket}/2024/abc.mp4 failed: NoSuchBucket") as info:
        storage.put(write_file(tmp_path / "v.mp4", b"video"), "2024/abc.mp4", "video/mp4")
    assert not info.value.transient


@pytest.mark.s3
@pytest.mark.slow
@pytest.mark.timeout(120)  # a hang guard, not a speed assertion: the error must come, not hang
def test_upload_during_an_outage_fails_readably_then_succeeds_after_restart(
    fresh_s3_server: SeaweedS3, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in fresh_s3_server.env().items():
        monkeypatch.setenv(name, value)
    bucket = fresh_s3_server.create_bucket()
    storage = open_storage(f"s3://{bucket}")
    storage.put(write_file(tmp_path / "before.mp4", b"before"), "2024/before.mp4", "video/mp4")
    video = write_file(tmp_path / "v.mp4", b"during")

    fresh_s3_server.stop()
    with pytest.raises(StorageError) as info:
        storage.put(video, "2024/abc.mp4", "video/mp4")
    endpoint = fresh_s3_server.endpoint_url
    assert str(info.value) == f"S3 upload to s3://{bucket}/2024/abc.mp4 failed: could not connect to endpoint {endpoint}"
    assert info.value.transient

    fresh_s3_server.start()
    assert storage.put(video, "2024/abc.mp4", "video/mp4") == f"s3://{bucket}/2024/abc.mp4"
    assert storage.size("2024/abc.mp4") == 6
    assert storage.size("2024/before.mp4") == 6  # data survived the restart


def test_local_delete_by_stored_uri_and_location(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "out")
    uri = storage.put(write_file(tmp_path / "v.mp4", b"v"), "2024/abc.mp4", "video/mp4")
    assert storage.location == str(tmp_path / "out")
    storage.delete_uri(uri)
    storage.delete_uri(uri)  # absent is fine
    assert not storage.exists("2024/abc.mp4")


def test_s3_upload_to_a_vanished_bucket_is_an_error_for_every_job(s3_env: SeaweedS3, tmp_path: Path) -> None:
    bucket = s3_env.create_bucket()
    storage = open_storage(f"s3://{bucket}/recaps")
    s3_env.client().delete_bucket(Bucket=bucket)
    with pytest.raises(StorageError) as info:
        storage.put(write_file(tmp_path / "v.mp4", b"v"), "2024/abc.mp4", "video/mp4")
    assert "NoSuchBucket" in str(info.value) and not info.value.transient and info.value.every_job


def test_s3_delete_by_stored_uri_and_location(s3_env: SeaweedS3, s3_bucket: str, tmp_path: Path) -> None:
    storage = open_storage(f"s3://{s3_bucket}/recaps")
    uri = storage.put(write_file(tmp_path / "v.mp4", b"v"), "2024/gone.mp4", "video/mp4")
    assert storage.location == f"s3://{s3_bucket}/recaps at {s3_env.endpoint_url}"
    storage.delete_uri(uri)
    assert not storage.exists("2024/gone.mp4")
