"""Evidence files of an objection: PDF, JPEG or PNG, checked by their first bytes, stored by SM3.

Stored through Django's default storage under `objections/`, which the settings place outside
the web root; files are served only through the detail page's permission check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage

from pubcredit.core.crypto import sm3_hex
from pubcredit.core.errors import ValidationFailed

# Platform limits, not regulation: a scan is a few hundred KB; ten cover a decision, its annexes
# and the applicant's documents.
MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024
STORAGE_DIR = "objections"


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    suffixes: tuple[str, ...]
    magic: bytes


FILE_TYPES: tuple[FileType, ...] = (
    FileType("application/pdf", "PDF 文件", (".pdf",), b"%PDF-"),
    FileType("image/jpeg", "JPEG 图片", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    FileType("image/png", "PNG 图片", (".png",), b"\x89PNG\r\n\x1a\n"),
)


class Upload(Protocol):
    name: str | None

    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class Proof:
    file_name: str
    content: bytes
    file_type: FileType
    sm3: str


def _clean_name(raw: str | None) -> str:
    name = PurePath((raw or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return name[-255:]


def read_proof(upload: Upload, position: int) -> Proof:
    """One file, refused unless its suffix and its first bytes say the same accepted type."""
    name = _clean_name(upload.name)
    shown = name or f"第 {position} 个文件"
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ValidationFailed(f"证明材料“{shown}”超过 {MAX_BYTES // (1024 * 1024)} MB", field="evidence")
    if not content:
        raise ValidationFailed(f"证明材料“{shown}”是空文件", field="evidence")
    allowed = "、".join(t.label for t in FILE_TYPES)
    suffix = PurePath(name).suffix.lower()
    by_suffix = next((t for t in FILE_TYPES if suffix in t.suffixes), None)
    by_content = next((t for t in FILE_TYPES if content.startswith(t.magic)), None)
    if by_suffix is None:
        raise ValidationFailed(
            f"证明材料“{shown}”的类型“{suffix or '无扩展名'}”不被接受，只接受 {allowed}", field="evidence"
        )
    if by_content is not by_suffix:
        raise ValidationFailed(
            f"证明材料“{shown}”的内容不是 {by_suffix.label}（文件头与扩展名 {suffix} 不符），只接受 {allowed}",
            field="evidence",
        )
    return Proof(name, content, by_content, sm3_hex(content))


def read_proofs(uploads: Sequence[Upload]) -> list[Proof]:
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(f"证明材料最多 {MAX_FILES} 个文件，收到 {len(uploads)} 个", field="evidence")
    proofs: list[Proof] = []
    for position, upload in enumerate(uploads, start=1):
        proof = read_proof(upload, position)
        if any(p.sm3 == proof.sm3 for p in proofs):
            raise ValidationFailed(f"证明材料“{proof.file_name}”重复上传", field="evidence")
        proofs.append(proof)
    return proofs


def store(proof: Proof) -> str:
    """By content address: the same file twice is stored once; never under a public URL."""
    path = f"{STORAGE_DIR}/{proof.sm3}"
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(proof.content))
        if saved != path:  # a concurrent upload of the same file won the name
            default_storage.delete(saved)
    return path


def unreferenced(known: set[str], cutoff: dt.datetime) -> list[tuple[str, int]]:
    """Stored evidence files no row names, last written before `cutoff` (path, size)."""
    if not default_storage.exists(STORAGE_DIR):
        return []
    found: list[tuple[str, int]] = []
    for name in default_storage.listdir(STORAGE_DIR)[1]:
        path = f"{STORAGE_DIR}/{name}"
        if path not in known and default_storage.get_modified_time(path) < cutoff:
            found.append((path, default_storage.size(path)))
    return found


def delete(path: str) -> None:
    default_storage.delete(path)


def open_file(path: str) -> File:
    """The stored file for reading; FileNotFoundError when it is gone."""
    return default_storage.open(path, "rb")
