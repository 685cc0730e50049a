"""Indexes the dashboard aggregates need on other apps' tables.

Kept here so the dashboard brings its own access paths; each is created IF NOT EXISTS and dropped
on reverse. Partial/covering indexes let the counts run as index-only scans under a subtree.
"""

from django.db import migrations

INDEXES = [
    # Approved records of a subtree and year, counted per subject kind without touching the table.
    (
        "dash_cert_approved_commune",
        "certification_certificationrecord (commune_id, year, subject_kind) WHERE state = 'approved'",
    ),
    (
        "dash_cert_approved_year",
        "certification_certificationrecord (year, subject_kind, commune_id) WHERE state = 'approved'",
    ),
    # The latest review of a model up to a day, with its class, from the index alone.
    (
        "dash_review_latest",
        "registry_modelreview (model_id, reviewed_on DESC, id DESC) INCLUDE (effectiveness_id)",
    ),
    # Campaigns of a subtree starting in a year.
    ("dash_campaign_place_start", "movement_campaign (place_id, start_date)"),
    # Commendations of a subtree and year.
    ("dash_commendation_unit_year", "movement_commendation (unit_id, year) WHERE revoked_at IS NULL"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0001_initial"),
        ("movement", "0001_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
