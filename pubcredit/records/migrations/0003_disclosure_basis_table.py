"""Move each record's period basis into a table of distinct bases (one row per distinct content)."""

import json

import django.db.models.deletion
from django.db import migrations, models

from pubcredit.core.crypto import sm3_hex


def _digest(content):
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return sm3_hex(text.encode())


def forwards(apps, schema_editor):
    Record = apps.get_model("records", "Record")
    DisclosureBasis = apps.get_model("records", "DisclosureBasis")
    ids = {}
    members = {}
    for pk, content in Record.objects.values_list("pk", "disclosure_basis").iterator(chunk_size=5000):
        digest = _digest(content)
        if digest not in ids:
            basis, _ = DisclosureBasis.objects.get_or_create(digest=digest, defaults={"content": content})
            ids[digest] = basis.pk
        members.setdefault(ids[digest], []).append(pk)
    for basis_id, pks in members.items():
        for start in range(0, len(pks), 900):
            Record.objects.filter(pk__in=pks[start : start + 900]).update(basis_id=basis_id)


class Migration(migrations.Migration):
    dependencies = [("records", "0002_fewer_redundant_indexes")]

    operations = [
        migrations.CreateModel(
            name="DisclosureBasis",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digest", models.CharField(max_length=64, unique=True, verbose_name="SM3 摘要")),
                ("content", models.JSONField(verbose_name="依据内容")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
            ],
            options={"verbose_name": "披露期限依据", "verbose_name_plural": "披露期限依据"},
        ),
        migrations.AddField(
            model_name="record",
            name="basis",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="records.disclosurebasis",
                verbose_name="披露期限依据",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="record", name="disclosure_basis"),
        migrations.AlterField(
            model_name="record",
            name="basis",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="records.disclosurebasis",
                verbose_name="披露期限依据",
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="item",
            field=models.ForeignKey(
                db_index=False,
                help_text="归集时适用的目录项版本",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="records",
                to="catalog.catalogitem",
                verbose_name="目录项（版本）",
            ),
        ),
    ]
