"""An S3 bucket (or an S3-compatible server) as storage: `s3://bucket/prefix/<key>`.

S3 only shows an object once its (multipart) upload has completed, so no partial object is ever
visible. Errors are described in one line and classified as transient or not for the retry policy.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

from render_runner.storage.base import StorageError, check_key, transient_os_error

S3Client = Any  # boto3 generates client classes at run time; there is no importable type

MiB = 1024 * 1024
MAX_PRESIGN_EXPIRES_S = 7 * 24 * 3600  # SigV4 presigned URLs cannot live longer than 7 days

# Error codes worth retrying: the service is busy or briefly broken, not misconfigured.
_TRANSIENT_CODES = {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "Throttling"}
# Error codes about the bucket or the credentials, not the object: every upload would fail alike.
_EVERY_JOB_CODES = {
    "AccessDenied", "AllAccessDisabled", "AccountProblem", "InvalidAccessKeyId", "InvalidBucketName",
    "NoSuchBucket", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "PermanentRedirect", "AuthorizationHeaderMalformed",
    "403",
}


_BUCKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,254}")


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix/` -> ("bucket", "some/prefix").

    The prefix must be clean (no `..` or `.` segment, no `//`, no leading `/`; one trailing `/` is
    fine): S3 would store such names literally, while a local folder would resolve them, so the
    same output would mean two places.
    """
    expected = "expected s3://bucket or s3://bucket/prefix"
    if not uri.startswith("s3://"):
        raise StorageError(f"invalid S3 output {uri!r}: {expected}", transient=False)
    bucket, slash, prefix = uri.removeprefix("s3://").partition("/")
    if not bucket:
        raise StorageError(f"invalid S3 output {uri!r}: no bucket; {expected}", transient=False)
    if not _BUCKET.fullmatch(bucket):
        raise StorageError(f"invalid S3 output {uri!r}: {bucket!r} is not a bucket name; {expected}", transient=False)
    prefix = prefix.removesuffix("/")
    if slash and prefix:
        for part in prefix.split("/"):
            if part in ("", ".", ".."):
                what = "an empty segment (//)" if part == "" else f"a {part!r} segment"
                raise StorageError(f"invalid S3 output {uri!r}: the prefix has {what}; {expected}", transient=False)
    elif slash and uri.endswith("//"):
        raise StorageError(f"invalid S3 output {uri!r}: the prefix has an empty segment (//); {expected}", transient=False)
    return bucket, prefix


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


# Error codes of a bucket that refuses object ACLs (AWS with Object Ownership "bucket owner
# enforced", the default since 2023; servers without ACL support): public reads come from its policy.
_NO_ACL_CODES = {"AccessControlListNotSupported", "NotImplemented"}


@dataclass
class S3Storage:
    """A bucket and prefix, through boto3's standard credential chain. Objects stay private.

    By default no ACL is sent: objects are private by default on S3, and buckets with ACLs
    disabled (the AWS default since 2023) reject any ACL header. `public` (`--share-public`) asks
    for `public-read` on every object; a bucket that refuses object ACLs gets none (its bucket
    policy must then allow anonymous reads: `check_public` tells). Some servers (SeaweedFS, MinIO)
    accept the header and ignore it. The endpoint comes from the argument, else
    `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, else AWS itself.
    """

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    settings: S3Settings = field(default_factory=S3Settings)
    public: bool = False
    _client: S3Client = field(init=False, repr=False)
    _send_acl: bool = field(default=True, init=False, repr=False)

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

    @property
    def local_dir(self) -> None:
        return None

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
            try:
                self._upload(local_path, key, content_type)
            except (ClientError, S3UploadFailedError) as exc:
                if not (self.public and self._send_acl and _refuses_acls(exc)):
                    raise
                self._send_acl = False  # public reads are the bucket policy's job here
                self._upload(local_path, key, content_type)
        except (BotoCoreError, ClientError, S3UploadFailedError, OSError) as exc:
            reason, transient = _describe_error(exc, self.endpoint_url)
            raise StorageError(f"S3 upload to {uri} failed: {reason}", transient=transient, every_job=_every_job(exc)) from exc
        return uri

    def move(self, from_key: str, to_key: str) -> str:
        """Server-side copy to `to_key` (content type and metadata kept), then delete `from_key`.

        A copy does not carry the source's ACL: a public storage asks for `public-read` again."""
        source, key = self.key_for(from_key), self.key_for(to_key)
        uri = f"s3://{self.bucket}/{key}"
        try:
            extra = {"ACL": "public-read"} if self.public and self._send_acl else {}
            self._client.copy_object(Bucket=self.bucket, Key=key, CopySource={"Bucket": self.bucket, "Key": source}, MetadataDirective="COPY", **extra)
            self._client.delete_object(Bucket=self.bucket, Key=source)
        except (BotoCoreError, ClientError) as exc:
            reason, transient = _describe_error(exc, self.endpoint_url)
            raise StorageError(f"S3 copy to {uri} failed: {reason}", transient=transient, every_job=_every_job(exc)) from exc
        return uri

    def _upload(self, local_path: Path, key: str, content_type: str) -> None:
        extra: dict[str, str] = {"ContentType": content_type}
        if self.public and self._send_acl:
            extra["ACL"] = "public-read"
        self._client.upload_file(str(local_path), self.bucket, key, ExtraArgs=extra, Config=self.settings.transfer_config())

    def public_url(self, relative_key: str) -> str:
        """The object's plain URL: path style on an endpoint (`<endpoint>/<bucket>/<key>`), virtual-host
        style on AWS. Anyone can fetch it only when the object is public (`--share-public`)."""
        key = urllib.parse.quote(self.key_for(relative_key), safe="/")
        if self.endpoint_url:
            return f"{self.endpoint_url.rstrip('/')}/{self.bucket}/{key}"
        region = self._client.meta.region_name or "us-east-1"
        if "." in self.bucket:  # a dotted name breaks the TLS certificate of the virtual host
            return f"https://s3.{region}.amazonaws.com/{self.bucket}/{key}"
        return f"https://{self.bucket}.s3.{region}.amazonaws.com/{key}"

    def check_public(self, relative_key: str) -> None:
        """Fetch the object without credentials, as a link preview would; a `StorageError` says why that fails."""
        url = self.public_url(relative_key)
        try:
            with urllib.request.urlopen(url, timeout=self.settings.read_timeout_s) as response:
                response.read(1)
        except urllib.error.HTTPError as exc:
            root = f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"
            resource = f"arn:aws:s3:::{self.bucket}/{self.prefix + '/' if self.prefix else ''}*"
            raise StorageError(
                f"--share-public: objects stored in {root} are not readable by anyone (HTTP {exc.code} for {url}): "
                f"the bucket ignores or refuses object ACLs; allow anonymous s3:GetObject on {resource} in the bucket policy "
                "(and turn off Block Public Access on AWS), or serve the files through a CDN and give its address with --share-base-url",
                transient=False,
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StorageError(f"--share-public: could not fetch {url} without credentials: {reason}", transient=True) from None

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

    def get(self, relative_key: str, local_path: Path) -> bool:
        key = self.key_for(relative_key)
        try:
            body = self._client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except (BotoCoreError, ClientError) as exc:
            if isinstance(exc, ClientError) and _error_code(exc) in ("404", "NoSuchKey", "NotFound"):
                return False
            reason, transient = _describe_error(exc, self.endpoint_url)
            raise StorageError(f"S3 download of s3://{self.bucket}/{key} failed: {reason}", transient=transient) from exc
        local_path.write_bytes(body)
        return True

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

    def delete_uri(self, uri: str) -> None:
        if not uri.startswith("s3://"):
            self.delete(uri)
            return
        bucket, key = parse_s3_uri(uri)
        try:
            self._client.delete_object(Bucket=bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            reason, transient = _describe_error(exc, self.endpoint_url)
            raise StorageError(f"S3 delete of {uri} failed: {reason}", transient=transient) from exc

    @property
    def location(self) -> str:
        root = f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"
        return f"{root} at {self.endpoint_url}" if self.endpoint_url else root


def _unwrap(exc: BaseException) -> BaseException:
    """The real error behind boto3's S3UploadFailedError (a long, less useful message)."""
    if isinstance(exc, S3UploadFailedError) and isinstance(exc.__context__, (ClientError, BotoCoreError)):
        return exc.__context__
    return exc


def _every_job(exc: BaseException) -> bool:
    """Whether the error is about the bucket or the credentials rather than this one object."""
    exc = _unwrap(exc)
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return True
    return isinstance(exc, ClientError) and _error_code(exc) in _EVERY_JOB_CODES


def _refuses_acls(exc: BaseException) -> bool:
    exc = _unwrap(exc)
    return isinstance(exc, ClientError) and _error_code(exc) in _NO_ACL_CODES


def _endpoint_from_env() -> str | None:
    """The same variables botocore reads, resolved here so we know to use path-style URLs."""
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _describe_error(exc: BaseException, endpoint_url: str | None) -> tuple[str, bool]:
    """(one-line reason, transient?) for anything boto3 or the filesystem raises."""
    exc = _unwrap(exc)
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
        return f"cannot read{name}: {exc.strerror or exc}", transient_os_error(exc)
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
