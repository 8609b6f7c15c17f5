from django.db import migrations


def forwards(apps, schema_editor):
    from pubcredit.measures.seed import seed

    seed(apps)


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial"), ("lists", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
