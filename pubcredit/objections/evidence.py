"""Evidence files of an objection: proof files (`core.proof_files`) under `objections/`.

Stored through Django's default storage under `objections/`, which the settings place outside
the web root; files are served only through the detail page's permission check.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.base import File
from django.core.files.storage import default_storage

from pubcredit.core.proof_files import (
    ProofFile,
    UploadedProof,
    proof_file_read,
    proof_file_store,
    proof_files_read,
)

# Platform limits, not regulation: a scan is a few hundred KB; ten cover a decision, its annexes
# and the applicant's documents.
MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024
STORAGE_DIR = "objections"


Proof = ProofFile
Upload = UploadedProof


def read_proof(upload: Upload, position: int) -> Proof:
    return proof_file_read(upload, position, field="evidence", max_bytes=MAX_BYTES)


def read_proofs(uploads: Sequence[Upload]) -> list[Proof]:
    return proof_files_read(uploads, field="evidence", max_files=MAX_FILES, max_bytes=MAX_BYTES)


def store(proof: Proof) -> str:
    return proof_file_store(proof, STORAGE_DIR)


def open_file(path: str) -> File:
    """The stored file for reading; FileNotFoundError when it is gone."""
    return default_storage.open(path, "rb")
