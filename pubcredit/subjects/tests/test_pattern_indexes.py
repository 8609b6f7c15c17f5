"""No unused pattern-ops index is kept on subjects (migration 0005)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_subjects_carry_no_like_indexes_and_keep_the_prefix_one() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Django adds pattern-ops indexes on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'subjects_subject'")
        names = {row[0] for row in cursor.fetchall()}
    assert not [name for name in names if name.endswith("_like")]
    assert {"subject_kind_name_prefix", "subjects_subject_uscc_key"} <= names
