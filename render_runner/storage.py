"""Where finished videos and posters go: a local folder (the default) or an S3 bucket.

The runner only sees the `Storage` protocol; `open_storage(--output)` picks the backend. Keys are
relative to the storage root (the folder, or `s3://bucket/prefix`) and are built by
`render_runner.keys`. Both backends are idempotent (a retried job overwrites the same key) and
never expose a partial object: the local folder renames a complete file into place, S3 only shows
an object once its (multipart) upload has completed.

Every failure is a `StorageError` with a one-line reason, because the runner stores that string in
the job's `last_error` for a person to read.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from render_runner.errors import RecapError

S3Client = Any  # boto3 generates client classes at run time; there is no importable type

MiB = 1024 * 1024
MAX_PRESIGN_EXPIRES_S = 7 * 24 * 3600  # SigV4 presigned URLs cannot live longer than 7 days
TEMP_MARKER = ".tmp-"  # `<final name>.tmp-<random>`: in-progress local writes

# Error codes worth retrying: the service is busy or briefly broken, not misconfigured.
_TRANSIENT_CODES = {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "Throttling"}


class StorageError(RecapError):
    """Storing or reading an object failed; the message is one readable line.

    `transient` is a hint for the retry policy: False means retrying will not help until someone
    changes the configuration (missing bucket, wrong credentials, unreadable local file).
    """

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


class Storage(Protocol):
    """What the runner needs from a place that stores rendered files."""

    def put(self, local_path: Path, relative_key: str, content_type: str) -> str:
        """Store the file under the key (overwriting) and return its URI.

        The local file may be moved away (the local backend renames it into place when it can),
        so the caller must not rely on it afterwards and cleans up with `missing_ok=True`.
        """
        ...

    def uri(self, relative_key: str) -> str:
        """The URI `put` returns for this key, without storing anything."""
        ...

    def exists(self, relative_key: str) -> bool: ...

    def size(self, relative_key: str) -> int | None:
        """Size in bytes, or None when there is no such object."""
        ...

    def url(self, uri_or_key: str, expires_s: int) -> str:
        """Where a person can fetch it: a presigned GET URL (S3) or an absolute path (local)."""
        ...

    def delete(self, relative_key: str) -> None:
        """Remove the object if present (tests and cleanup)."""
        ...

    def describe(self) -> str:
        """One line for logs and the progress header, e.g. `s3://bucket/prefix at http://...`."""
        ...


def open_storage(output: str, s3_endpoint_url: str | None = None, settings: S3Settings | None = None) -> Storage:
    """`s3://bucket/prefix` -> S3Storage (bucket checked now), anything else -> a local folder."""
    if output.startswith("s3://"):
        bucket, prefix = parse_s3_uri(output)
        storage = S3Storage(bucket, prefix, endpoint_url=s3_endpoint_url, settings=settings or S3Settings())
        storage.check_bucket()
        return storage
    root = Path(output.removeprefix("file://")).expanduser()
    local = LocalStorage(root)
    local.ensure_root()
    return local


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix/` -> ("bucket", "some/prefix")."""
    rest = uri.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise StorageError(f"invalid S3 output {uri!r}: expected s3://bucket or s3://bucket/prefix", transient=False)
    return bucket, prefix.strip("/")


def check_key(relative_key: str) -> str:
    """Reject keys that could escape the storage root or mean different things on S3 and disk."""
    parts = relative_key.split("/")
    if not relative_key or relative_key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"invalid storage key {relative_key!r}: expected a relative path like 2024/abc.mp4", transient=False)
    return relative_key


# --------------------------------------------------------------------------------------- local


@dataclass(frozen=True)
class LocalStorage:
    """A folder: `<root>/<key>`. Writes are atomic: a complete file is renamed into place."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).absolute())

    def ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create output folder {self.root}: {exc.strerror}", transient=False) from exc

    def path_for(self, relative_key: str) -> Path:
        return self.root / check_key(relative_key)

    def uri(self, relative_key: str) -> str:
        return str(self.path_for(relative_key))

    def put(self, local_path: Path, relative_key: str, content_type: str) -> str:
        final = self.path_for(relative_key)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            if not _rename_into_place(Path(local_path), final):
                _copy_into_place(Path(local_path), final)
            _fsync_dir(final.parent)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise StorageError(f"saving {local_path} to {final} failed: {reason}", transient=exc.errno in _TRANSIENT_ERRNOS) from exc
        return str(final)

    def exists(self, relative_key: str) -> bool:
        return self.path_for(relative_key).is_file()

    def size(self, relative_key: str) -> int | None:
        try:
            return self.path_for(relative_key).stat().st_size
        except FileNotFoundError:
            return None

    def url(self, uri_or_key: str, expires_s: int) -> str:
        """The absolute path (local files do not expire; `expires_s` is accepted for symmetry)."""
        path = uri_or_key.removeprefix("file://")
        if os.path.isabs(path):
            return path
        return str(self.path_for(path))

    def delete(self, relative_key: str) -> None:
        self.path_for(relative_key).unlink(missing_ok=True)

    def describe(self) -> str:
        return f"local folder {self.root}"

    def remove_stale_temp_files(self, older_than_s: float = 3600.0) -> int:
        """Delete `*.tmp-*` files left by a process killed mid-copy; returns how many.

        Only old ones: a younger temp file may belong to another runner writing right now.
        """
        cutoff = time.time() - older_than_s
        removed = 0
        for path in self.root.rglob(f"*{TEMP_MARKER}*"):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


# Local errors that can pass on their own (disk full after cleanup, NFS hiccup); the rest won't.
_TRANSIENT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.ESTALE}


def _rename_into_place(src: Path, final: Path) -> bool:
    """Move `src` to `final` atomically if both are on one filesystem; False if they are not."""
    _fsync_file(src)  # the data must be on disk before the name points at it
    try:
        os.replace(src, final)
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            return False
        raise
    return True


def _copy_into_place(src: Path, final: Path) -> None:
    """Copy to `<final>.tmp-<random>` next to `final`, then rename; the temp file never survives."""
    tmp = final.with_name(f"{final.name}{TEMP_MARKER}{secrets.token_hex(6)}")
    try:
        with open(src, "rb") as reader, open(tmp, "xb") as writer:
            shutil.copyfileobj(reader, writer, 4 * MiB)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(tmp, final)
    except BaseException:  # also Ctrl-C: no temp file is left behind either way
        tmp.unlink(missing_ok=True)
        raise


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    """Make a rename durable; some filesystems cannot fsync a directory, which is fine."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------------ S3


@dataclass(frozen=True)
class S3Settings:
    """Transfer and network knobs. Defaults make an outage fail in seconds, not minutes.

    With `max_attempts=3` botocore's standard retry mode tries each request three times with
    jittered exponential backoff (at most 1 s, then 2 s), so an endpoint that refuses connections
    fails in well under a second to a few seconds, and the runner's own job-level backoff takes
    over from there. A server that accepts connections but never answers costs up to
    2 x `read_timeout_s` per attempt (botocore first waits for `100 Continue`), about a minute in
    all with the defaults; S3 answers a part upload in well under `read_timeout_s`.
    """

    multipart_threshold: int = 8 * MiB
    multipart_chunksize: int = 8 * MiB  # S3 needs parts of at least 5 MiB (s3transfer enforces it)
    max_concurrency: int = 4  # threads per upload; renders, not uploads, are the bottleneck
    max_attempts: int = 3
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0

    def transfer_config(self) -> TransferConfig:
        return TransferConfig(
            multipart_threshold=self.multipart_threshold,
            multipart_chunksize=self.multipart_chunksize,
            max_concurrency=self.max_concurrency,
        )

    def client_config(self, path_style: bool) -> Config:
        return Config(
            retries={"mode": "standard", "max_attempts": self.max_attempts},
            connect_timeout=self.connect_timeout_s,
            read_timeout=self.read_timeout_s,
            signature_version="s3v4",
            # S3-compatible servers (MinIO, SeaweedFS, R2) all speak path style; virtual hosts
            # would need DNS for `<bucket>.<endpoint host>`.
            s3={"addressing_style": "path"} if path_style else None,
            max_pool_connections=16,
        )


@dataclass
class S3Storage:
    """A bucket and prefix, through boto3's standard credential chain. Objects stay private.

    No ACL is sent: objects are private by default on S3, and buckets with ACLs disabled (the
    AWS default since 2023) reject any ACL header. The endpoint comes from the argument, else
    `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, else AWS itself.
    """

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    settings: S3Settings = field(default_factory=S3Settings)
    _client: S3Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.prefix = self.prefix.strip("/")
        self.endpoint_url = self.endpoint_url or _endpoint_from_env()
        self._client = self._make_client(self.region)

    def _make_client(self, region: str | None) -> S3Client:
        try:
            session = boto3.session.Session(region_name=region)  # own session: no shared global state
            return session.client(
                "s3",
                endpoint_url=self.endpoint_url,
                config=self.settings.client_config(path_style=self.endpoint_url is not None),
            )
        except (BotoCoreError, ValueError) as exc:  # unknown AWS_PROFILE, malformed endpoint URL, ...
            raise StorageError(f"cannot set up the S3 client for s3://{self.bucket}: {exc}", transient=False) from exc

    @property
    def client(self) -> S3Client:
        return self._client

    def key_for(self, relative_key: str) -> str:
        check_key(relative_key)
        return f"{self.prefix}/{relative_key}" if self.prefix else relative_key

    def uri(self, relative_key: str) -> str:
        return f"s3://{self.bucket}/{self.key_for(relative_key)}"

    def describe(self) -> str:
        where = self.endpoint_url or f"AWS ({self._client.meta.region_name or 'default region'})"
        root = f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"
        return f"{root} at {where}"

    def check_bucket(self) -> None:
        """Fail early, with the reason, if the bucket is missing or not ours to use.

        On AWS without a configured region, the client is re-created in the bucket's region so
        that presigned URLs are signed for the right region.
        """
        try:
            response = self._client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            reason, transient = _describe_error(exc, self.endpoint_url)
            raise StorageError(f"bucket {self.bucket} does not exist or is not accessible: {reason}", transient=transient) from exc
        headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        bucket_region = headers.get("x-amz-bucket-region")
        if self.endpoint_url is None and self.region is None and bucket_region and bucket_region != self._client.meta.region_name:
            self.region = bucket_region
            self._client = self._make_client(bucket_region)

    def put(self, local_path: Path, relative_key: str, content_type: str) -> str:
        key = self.key_for(relative_key)
        uri = f"s3://{self.bucket}/{key}"
        try:
            self._client.upload_file(
                str(local_path),
                self.bucket,
                key,
                ExtraArgs={"ContentType": content_type},
                Config=self.settings.transfer_config(),
            )
        except (BotoCoreError, ClientError, S3UploadFailedError, OSError) as exc:
            reason, transient = _describe_error(exc, self.endpoint_url)
            raise StorageError(f"S3 upload to {uri} failed: {reason}", transient=transient) from exc
        return uri

    def _head(self, relative_key: str) -> dict[str, Any] | None:
        key = self.key_for(relative_key)
        try:
            head: dict[str, Any] = self._client.head_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            if isinstance(exc, ClientError) and _error_code(exc) in ("404", "NoSuchKey", "NotFound"):
                return None
            reason, transient = _describe_error(exc, self.endpoint_url)
            raise StorageError(f"S3 lookup of s3://{self.bucket}/{key} failed: {reason}", transient=transient) from exc
        return head

    def exists(self, relative_key: str) -> bool:
        return self._head(relative_key) is not None

    def size(self, relative_key: str) -> int | None:
        head = self._head(relative_key)
        return None if head is None else int(head["ContentLength"])

    def url(self, uri_or_key: str, expires_s: int) -> str:
        """A presigned GET URL. Accepts a stored `s3://bucket/key` URI or a relative key.

        Signing is local (no request is made). With temporary credentials (STS, SSO) the URL also
        stops working when those credentials expire, whatever `expires_s` says.
        """
        if not 1 <= expires_s <= MAX_PRESIGN_EXPIRES_S:
            raise StorageError(f"presigned URLs can last 1 second to 7 days, not {expires_s} s", transient=False)
        if uri_or_key.startswith("s3://"):
            bucket, key = parse_s3_uri(uri_or_key)
        else:
            bucket, key = self.bucket, self.key_for(uri_or_key)
        try:
            url: str = self._client.generate_presigned_url(
                "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_s
            )
        except BotoCoreError as exc:
            reason, transient = _describe_error(exc, self.endpoint_url)
            raise StorageError(f"cannot presign s3://{bucket}/{key}: {reason}", transient=transient) from exc
        return url

    def delete(self, relative_key: str) -> None:
        key = self.key_for(relative_key)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            reason, transient = _describe_error(exc, self.endpoint_url)
            raise StorageError(f"S3 delete of s3://{self.bucket}/{key} failed: {reason}", transient=transient) from exc


def _endpoint_from_env() -> str | None:
    """The same variables botocore reads, resolved here so we know to use path-style URLs."""
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _describe_error(exc: BaseException, endpoint_url: str | None) -> tuple[str, bool]:
    """(one-line reason, transient?) for anything boto3 or the filesystem raises."""
    if isinstance(exc, S3UploadFailedError) and isinstance(exc.__context__, (ClientError, BotoCoreError)):
        exc = exc.__context__  # boto3 wraps the real error in a long, less useful message
    endpoint = endpoint_url or "the AWS S3 endpoint"
    if isinstance(exc, (EndpointConnectionError, ConnectionClosedError)):
        return f"could not connect to endpoint {endpoint}", True
    if isinstance(exc, ReadTimeoutError):
        return f"timed out waiting for endpoint {endpoint}", True
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return "no usable AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)", False
    if isinstance(exc, ClientError):
        code = _error_code(exc)
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        message = exc.response.get("Error", {}).get("Message") or ""
        transient = code in _TRANSIENT_CODES or status >= 500
        if not code or code.isdigit():  # HEAD responses have no body: only the status is known
            return f"{_STATUS_TEXT.get(status, message or 'error')} (HTTP {status})", transient
        return (f"{code}: {message}" if message else code), transient
    if isinstance(exc, OSError):
        name = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        return f"cannot read{name}: {exc.strerror or exc}", exc.errno in _TRANSIENT_ERRNOS
    if isinstance(exc, BotoCoreError):
        return str(exc), True
    return f"{type(exc).__name__}: {exc}", True


# HEAD responses have no body, so botocore only knows the status code.
_STATUS_TEXT = {
    400: "bad request",
    403: "access denied",
    404: "not found",
    301: "the bucket is in another region",
    500: "server error",
    503: "service unavailable",
}
