"""Seed version 1 of the national status mapping (DOMAIN §3). Reversible: removes that version."""

from django.db import migrations

SILENT_ACTIONS = ["note"]
ROWS = [
    ("submitted", "", 1),
    ("received", "", 2),
    ("processing", "", 4),
    ("supplement", "", 5),
    ("paused", "", 4),
    ("paused", "financial", 6),
    ("resolved", "", 9),
    ("returned", "", 10),
    ("rejected", "", 3),
    ("withdrawn", "", 7),
    ("stopped", "", 8),
]


def seed(apps, schema_editor):
    MappingVersion = apps.get_model("portal", "MappingVersion")
    StatusMapping = apps.get_model("portal", "StatusMapping")
    version, _ = MappingVersion.objects.get_or_create(
        number=1,
        defaults={"note": "Bảng mã trạng thái hồ sơ dùng chung với Cổng DVC quốc gia", "silent_actions": SILENT_ACTIONS},
    )
    for status, reason, code in ROWS:
        StatusMapping.objects.update_or_create(
            version=version, status=status, pause_reason=reason, defaults={"national_code": code}
        )


def unseed(apps, schema_editor):
    apps.get_model("portal", "MappingVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
