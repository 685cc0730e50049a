"""Rendered pages reused by version (``dashboard.cache``) show history sections and people's names.

A history row is written in its change's transaction when the change is atomic, but a page write in
autocommit mode commits it on its own; and renaming or re-scoping a user touches no counted table.
Both now move the data version too. Users' logins (``last_login``) and password changes do not:
no page shows them.
"""

from django.db import migrations

HISTORY_TABLES = [
    "audit_historicaluser",
    "audit_historicaladministrativeunit",
    "audit_historicalareakind",
    "audit_historicalresidentialarea",
    "audit_historicalorganisationtype",
    "audit_historicalorganisation",
    "audit_historicalsteeringcommittee",
    "audit_historicalforcetype",
    "audit_historicalforceunit",
    "audit_historicalmodeltype",
    "audit_historicaleffectivenessclass",
    "audit_historicalsecuritymodel",
    "audit_historicalmodelreview",
    "audit_historicalcriteriaset",
    "audit_historicalcriterion",
    "audit_historicalcertificationrecord",
    "audit_historicalcriterionassessment",
    "audit_historicalattachment",
    "audit_historicalplan",
    "audit_historicalplantarget",
    "audit_historicalcampaignkind",
    "audit_historicalresultmetric",
    "audit_historicalcampaign",
    "audit_historicalcampaignresult",
    "audit_historicalcommendationform",
    "audit_historicalcommendation",
]

# What pages show of a user: names, position, role and scope (which decide what they see), active.
USER_COLUMNS = "username, first_name, last_name, position, role, scope_unit_id, is_active"


def trigger(table: str, events: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f"CREATE TRIGGER dashboard_data_changed AFTER {events} ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION dashboard_mark_change()",
        f"DROP TRIGGER IF EXISTS dashboard_data_changed ON {table}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_data_version"),
        ("accounts", "0001_initial"),
        ("audit", "0007_opening_day"),
    ]

    operations = [
        *(trigger(table, "INSERT OR UPDATE OR DELETE OR TRUNCATE") for table in HISTORY_TABLES),
        trigger("accounts_user", f"INSERT OR DELETE OR TRUNCATE OR UPDATE OF {USER_COLUMNS}"),
    ]
