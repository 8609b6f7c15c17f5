"""Keeping each upload exactly as received, addressed by its SM3 digest, outside the web root.

The file is hashed while it is copied, so a large upload is read once and never held in memory.
The same content sent twice is stored once.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives import hashes
from django.conf import settings

_CHUNK = 1024 * 1024
RAW_DIR = "raw"  # stored uploads, under UPLOAD_DIR
TEMP_PREFIX = ".incoming-"  # an upload being copied, under UPLOAD_DIR


@dataclass(frozen=True)
class Stored:
    sm3: str
    size: int
    relative_path: str

    @property
    def path(self) -> Path:
        return upload_path(self.relative_path)


def upload_path(relative: str) -> Path:
    """Where a stored upload (`RawUpload.path`) lies on disk."""
    return Path(settings.UPLOAD_DIR) / relative


def store_stream(chunks: Iterable[bytes], *, max_bytes: int | None = None) -> Stored:
    """Copy to the upload directory under its SM3 digest; `ValueError` if longer than `max_bytes`."""
    root = Path(settings.UPLOAD_DIR)
    root.mkdir(parents=True, exist_ok=True)
    digest = hashes.Hash(hashes.SM3())
    size = 0
    fd, temp_name = tempfile.mkstemp(dir=root, prefix=TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise ValueError(size)
                digest.update(chunk)
                out.write(chunk)
        sm3 = digest.finalize().hex()
        relative = f"{RAW_DIR}/{sm3[:2]}/{sm3}"
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.unlink(temp_name)
        else:
            os.replace(temp_name, target)
        return Stored(sm3, size, relative)
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise


def file_chunks(stream: BinaryIO) -> Iterable[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk
