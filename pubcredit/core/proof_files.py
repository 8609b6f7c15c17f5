"""Proof files (证明材料) people upload: self-declarations, objections, repair applications.

A file is accepted by what it is, not by what it is called: its first bytes must be those of a PDF,
JPEG or PNG, and its suffix must name the same type, so a renamed executable or a mislabelled scan
is refused with a sentence naming the file and the reason. Accepted files are stored by their SM3
digest in the private storage (never under a public URL), so the same file twice is stored once.
Files are written before the caller's transaction commits; each app's orphan purge removes those
of a rolled-back step once they are a day old.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol

from django.core.files.storage import default_storage

from pubcredit.core.crypto import sm3_hex
from pubcredit.core.downloads import stored_once
from pubcredit.core.errors import ValidationFailed


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    suffixes: tuple[str, ...]
    magic: tuple[bytes, ...]


PROOF_FILE_TYPES: tuple[FileType, ...] = (
    FileType("application/pdf", "PDF 文件", (".pdf",), (b"%PDF-",)),
    FileType("image/jpeg", "JPEG 图片", (".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
    FileType("image/png", "PNG 图片", (".png",), (b"\x89PNG\r\n\x1a\n",)),
)


class UploadedProof(Protocol):
    """What a proof file must offer: Django's UploadedFile and File both do."""

    name: str | None

    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class ProofFile:
    file_name: str
    content: bytes
    file_type: FileType
    sm3: str


def clean_file_name(raw: str | None) -> str:
    """The base name only, without characters that could break a header or a path."""
    name = PurePath((raw or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return name[-255:] if name else ""


def _type_of(content: bytes) -> FileType | None:
    return next((t for t in PROOF_FILE_TYPES if content.startswith(t.magic)), None)


def proof_file_read(upload: UploadedProof, position: int, *, field: str, max_bytes: int) -> ProofFile:
    """Read one file, refusing it by content: the suffix must agree with the file's first bytes."""
    file_name = clean_file_name(upload.name)
    shown = file_name or f"第 {position} 个文件"
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationFailed(f"证明材料“{shown}”超过 {max_bytes // (1024 * 1024)} MB，请压缩后再上传", field=field)
    if not content:
        raise ValidationFailed(f"证明材料“{shown}”是空文件", field=field)
    suffix = PurePath(file_name).suffix.lower()
    by_suffix = next((t for t in PROOF_FILE_TYPES if suffix in t.suffixes), None)
    by_content = _type_of(content)
    allowed = "、".join(t.label for t in PROOF_FILE_TYPES)
    if by_suffix is None:
        raise ValidationFailed(
            f"证明材料“{shown}”的类型“{suffix or '无扩展名'}”不被接受，只接受 {allowed}", field=field
        )
    if by_content is None:
        raise ValidationFailed(
            f"证明材料“{shown}”的内容不是 {by_suffix.label}（文件头与扩展名 {suffix} 不符），只接受真实的 {allowed}",
            field=field,
        )
    if by_content is not by_suffix:
        raise ValidationFailed(
            f"证明材料“{shown}”的内容是 {by_content.label}，与扩展名 {suffix} 不符，请使用正确的扩展名",
            field=field,
        )
    return ProofFile(file_name, content, by_content, sm3_hex(content))


def proof_files_read(
    uploads: Sequence[UploadedProof], *, field: str, max_files: int, max_bytes: int
) -> list[ProofFile]:
    """Every file read and checked before anything is stored; the same file twice is refused."""
    if len(uploads) > max_files:
        raise ValidationFailed(f"证明材料最多 {max_files} 个文件，收到 {len(uploads)} 个", field=field)
    proofs: list[ProofFile] = []
    for position, upload in enumerate(uploads, start=1):
        proof = proof_file_read(upload, position, field=field, max_bytes=max_bytes)
        if any(p.sm3 == proof.sm3 for p in proofs):
            raise ValidationFailed(f"证明材料“{proof.file_name}”重复上传", field=field)
        proofs.append(proof)
    return proofs


def proof_file_store(proof: ProofFile, directory: str) -> str:
    """Store by content address under `directory` in the private storage; returns the path."""
    path = f"{directory}/{proof.sm3}"
    stored_once(path, proof.content)
    return path


#: The `accept` attribute of a file input for proof files: suffixes and content types.
PROOF_FILE_ACCEPT = ",".join(
    [*(s for t in PROOF_FILE_TYPES for s in t.suffixes), *(t.content_type for t in PROOF_FILE_TYPES)]
)


#: How old an unreferenced file must be before it counts as orphaned: the transaction that wrote
#: it a moment ago may still be running.
ORPHAN_GRACE = dt.timedelta(days=1)


def proof_files_orphans_delete(directory: str, known: set[str], *, now: dt.datetime) -> tuple[int, int]:
    """Delete the files under `directory` that no row names (`known` paths), older than
    `ORPHAN_GRACE`; returns (files, bytes). A file written before its transaction rolled back may
    hold personal information with no purpose left; a referenced file is never touched."""
    if not default_storage.exists(directory):
        return 0, 0
    cutoff = now - ORPHAN_GRACE
    files = size = 0
    for name in default_storage.listdir(directory)[1]:
        path = f"{directory}/{name}"
        if path not in known and default_storage.get_modified_time(path) < cutoff:
            size += default_storage.size(path)
            default_storage.delete(path)
            files += 1
    return files, size
