from django.db import migrations

from movement.catalogues import seed_catalogues


def seed(apps, schema_editor):
    seed_catalogues(
        apps.get_model("movement", "ResultMetric"),
        apps.get_model("movement", "CampaignKind"),
        apps.get_model("movement", "CommendationForm"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("movement", "0002_commendation_search_and_help"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
