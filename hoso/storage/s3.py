"""A blob store on S3-compatible object storage (AWS S3, MinIO, Ceph RGW…), through boto3.

Same keys as the local store's paths (`<prefix>ab/cd/<sha256>`, so a backup's `blobs/` tree and
the bucket look alike) and the same guarantees:

- write-once: an object appears only by a conditional write (`If-None-Match: *`), complete
  (one PUT, or a multipart upload completed in one call), and is never written again;
- integrity: every read re-hashes the bytes and raises BlobCorrupt before handing over the end;
- streaming: an upload is spooled to a local file while it is hashed (the key is its hash) and
  sent from there in parts; reads go chunk by chunk. Nothing holds a whole file in memory;
- a duplicate upload leaves a "stored again" marker object (the local store touches the file),
  so that a destruction sweep leaves alone a blob an upload is about to point at.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from hoso.storage.base import (
    BlobCorrupt,
    BlobNotFound,
    BlobRef,
    BlobStore,
    check_sha256,
)
from hoso.storage.cache import BlobCache
from hoso.storage.hashing import CHUNK, copy_hashing, verifying_stream

PART_SIZE = 8 * 1024 * 1024  # S3 wants parts of at least 5 MiB (all but the last)
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
_TAKEN = {"412", "PreconditionFailed", "409", "ConditionalRequestConflict"}
_MARKERS = ".stored-again/"


@dataclass(frozen=True)
class S3Config:
    """Where the blobs live. `sse` is the server-side encryption asked for ("" = none)."""

    bucket: str
    endpoint_url: str = ""
    region: str = ""
    access_key_id: str = ""
    secret_access_key: str = field(default="", repr=False)
    prefix: str = "blobs/"
    sse: str = "AES256"
    part_size: int = PART_SIZE


def s3_client(config: S3Config) -> Any:
    # Path-style URLs: MinIO and Ceph behind one host name do not serve bucket subdomains.
    style = {"addressing_style": "path"} if config.endpoint_url else {}
    return boto3.session.Session().client(
        "s3",
        endpoint_url=config.endpoint_url or None,
        region_name=config.region or None,
        aws_access_key_id=config.access_key_id or None,
        aws_secret_access_key=config.secret_access_key or None,
        config=Config(retries={"mode": "standard", "max_attempts": 5}, s3=style),
    )


class S3BlobStore(BlobStore):
    """Blobs as objects of one bucket. Safe for any number of writers on any number of hosts."""

    def __init__(self, config: S3Config, *, cache: BlobCache, client: Any = None) -> None:
        self.config = config
        self.cache = cache
        self._client = client if client is not None else s3_client(config)
        self._key_re = re.compile(
            re.escape(config.prefix) + r"([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})"
        )

    def put(self, stream: BinaryIO, *, max_bytes: int | None = None) -> BlobRef:
        with self.cache.spool() as (tmp, out):
            sha256, size = copy_hashing(stream, out, max_bytes)
            out.flush()
            if self.exists(sha256) or not self._upload_once(tmp, sha256, size):
                self._mark_stored_again(sha256)
            self.cache.adopt(tmp, sha256)  # the rendition that follows an upload needs a path
        self.cache.prune_now_and_then()
        return BlobRef(sha256=sha256, size=size)

    def open(self, sha256: str) -> BinaryIO:
        try:
            answer = self._client.get_object(Bucket=self.config.bucket, Key=self._key(sha256))
        except ClientError as error:
            if _code(error) in _NOT_FOUND:
                raise BlobNotFound(sha256) from None
            raise
        return verifying_stream(answer["Body"], sha256, answer["ContentLength"])

    def exists(self, sha256: str) -> bool:
        return self._head(self._key(sha256)) is not None

    def size(self, sha256: str) -> int:
        head = self._head(self._key(sha256))
        if head is None:
            raise BlobNotFound(sha256)
        return int(head["ContentLength"])

    def path_for(self, sha256: str) -> Path:
        cached = self.cache.get(sha256)
        if cached is not None:
            return cached
        with self.open(sha256) as blob, self.cache.spool() as (tmp, out):
            while chunk := blob.read(CHUNK):  # BlobCorrupt before the copy is kept
                out.write(chunk)
            out.flush()
            path = self.cache.adopt(tmp, sha256)
        self.cache.prune_now_and_then()
        return path

    def verify(self, sha256: str) -> bool:
        try:
            with self.open(sha256) as blob:
                while blob.read(CHUNK):
                    pass
        except BlobCorrupt:
            return False
        return True

    def delete(
        self, sha256: str, *, destruction: str, untouched_since: float | None = None
    ) -> bool:
        if not destruction:
            raise ValueError("a blob is removed only by a destruction (biên bản tiêu hủy)")
        stored_at = self._last_stored(sha256)
        if stored_at is None:
            self.cache.discard(sha256)
            return False  # already removed (a re-run after a crash)
        if untouched_since is not None and stored_at.timestamp() > untouched_since:
            return False  # stored again just now: an upload may be about to point at it
        self._client.delete_object(Bucket=self.config.bucket, Key=self._key(sha256))
        self._client.delete_object(Bucket=self.config.bucket, Key=self._marker_key(sha256))
        self.cache.discard(sha256)
        return True

    def iter_all(self) -> Iterator[BlobRef]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.config.bucket, Prefix=self.config.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                match = self._key_re.fullmatch(item["Key"])
                if match and match[3].startswith(match[1] + match[2]):
                    yield BlobRef(sha256=match[3], size=int(item["Size"]))

    def _upload_once(self, path: Path, sha256: str, size: int) -> bool:
        """Write the object unless it exists; False if another writer stored it first."""
        try:
            if size <= self.config.part_size:
                self._put_whole(path, sha256)
            else:
                self._put_in_parts(path, sha256, size)
        except ClientError as error:
            if _code(error) in _TAKEN and self.exists(sha256):
                return False
            raise
        return True

    def _put_whole(self, path: Path, sha256: str) -> None:
        with open(path, "rb") as body:
            self._client.put_object(
                Bucket=self.config.bucket,
                Key=self._key(sha256),
                Body=body,
                IfNoneMatch="*",
                **self._encryption(),
            )

    def _put_in_parts(self, path: Path, sha256: str, size: int) -> None:
        key = self._key(sha256)
        upload = self._client.create_multipart_upload(
            Bucket=self.config.bucket, Key=key, **self._encryption()
        )["UploadId"]
        try:
            parts = [
                self._put_part(
                    path, key, upload, number, offset, min(self.config.part_size, size - offset)
                )
                for number, offset in enumerate(range(0, size, self.config.part_size), start=1)
            ]
            self._client.complete_multipart_upload(
                Bucket=self.config.bucket,
                Key=key,
                UploadId=upload,
                MultipartUpload={"Parts": parts},
                IfNoneMatch="*",
            )
        except BaseException:
            self._abort(key, upload)
            raise

    def _put_part(
        self, path: Path, key: str, upload: str, number: int, offset: int, length: int
    ) -> dict[str, Any]:
        with FileSlice(path, offset, length) as body:
            answer = self._client.upload_part(
                Bucket=self.config.bucket,
                Key=key,
                UploadId=upload,
                PartNumber=number,
                Body=body,
                ContentLength=length,
            )
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def _abort(self, key: str, upload: str) -> None:
        try:
            self._client.abort_multipart_upload(Bucket=self.config.bucket, Key=key, UploadId=upload)
        except ClientError:
            pass  # the bucket's lifecycle rule for incomplete uploads cleans up (docs)

    def _mark_stored_again(self, sha256: str) -> None:
        self._client.put_object(
            Bucket=self.config.bucket, Key=self._marker_key(sha256), Body=b"", **self._encryption()
        )

    def _last_stored(self, sha256: str) -> datetime | None:
        head = self._head(self._key(sha256))
        if head is None:
            return None
        marker = self._head(self._marker_key(sha256))
        stored: datetime = head["LastModified"]
        return max(stored, marker["LastModified"]) if marker is not None else stored

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            head: dict[str, Any] = self._client.head_object(Bucket=self.config.bucket, Key=key)
        except ClientError as error:
            if _code(error) in _NOT_FOUND:
                return None
            raise
        return head

    def _encryption(self) -> dict[str, str]:
        return {"ServerSideEncryption": self.config.sse} if self.config.sse else {}

    def _key(self, sha256: str) -> str:
        check_sha256(sha256)
        return f"{self.config.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def _marker_key(self, sha256: str) -> str:
        return f"{self.config.prefix}{_MARKERS}{check_sha256(sha256)}"


class FileSlice(io.RawIOBase):
    """Bytes [offset, offset + length) of a file, seekable: botocore can checksum and resend a
    part without holding it in memory."""

    def __init__(self, path: Path, offset: int, length: int) -> None:
        super().__init__()
        self._file = open(path, "rb")  # noqa: SIM115 — closed by close()
        self._offset = offset
        self._length = length
        self._position = 0
        self._file.seek(offset)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._length}[whence]
        self._position = max(0, min(self._length, base + offset))
        self._file.seek(self._offset + self._position)
        return self._position

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self._length - self._position)
        if wanted <= 0:
            return 0
        count = self._file.readinto(memoryview(buffer)[:wanted])
        self._position += count
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
