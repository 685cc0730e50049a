"""The data version the dashboard cache is keyed on (``dashboard.models``).

A statement trigger on every counted table marks the writing transaction once (a transaction-local
setting, undone with its savepoint) by inserting a ``DataChange``; a deferred constraint trigger on
that insert runs at commit and stores the transaction id in ``DataVersion``. The version row is
locked only for the moment of the commit, so long imports do not hold other writers back.
"""

from django.db import migrations, models

# Every table the dashboards read, and the rest of these apps' tables (history tables excepted):
# tests/test_dashboard_cache.py fails if a table of these apps is missing here.
TABLES = [
    "registry_administrativeunit",
    "registry_areakind",
    "registry_residentialarea",
    "registry_organisationtype",
    "registry_organisation",
    "registry_steeringcommittee",
    "registry_forcetype",
    "registry_forceunit",
    "registry_modeltype",
    "registry_effectivenessclass",
    "registry_securitymodel",
    "registry_modelreview",
    "certification_criteriaset",
    "certification_criterion",
    "certification_certificationrecord",
    "certification_criterionassessment",
    "certification_transition",
    "certification_attachment",
    "movement_plan",
    "movement_plantarget",
    "movement_campaignkind",
    "movement_resultmetric",
    "movement_campaign",
    "movement_campaignresult",
    "movement_commendationform",
    "movement_commendation",
]

FUNCTIONS = """
CREATE FUNCTION dashboard_mark_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('dashboard.changed', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('dashboard.changed', 'on', true);
        INSERT INTO dashboard_datachange DEFAULT VALUES;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION dashboard_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboard_dataversion (id, xid) VALUES (1, txid_current())
        ON CONFLICT (id) DO UPDATE SET xid = EXCLUDED.xid;
    DELETE FROM dashboard_datachange WHERE id = NEW.id;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER dashboard_bump_version AFTER INSERT ON dashboard_datachange
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dashboard_bump_version();

INSERT INTO dashboard_dataversion (id, xid) VALUES (1, txid_current());
"""

REVERSE_FUNCTIONS = """
DROP TRIGGER IF EXISTS dashboard_bump_version ON dashboard_datachange;
DROP FUNCTION IF EXISTS dashboard_bump_version();
DROP FUNCTION IF EXISTS dashboard_mark_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_dashboard_indexes"),
        ("certification", "0003_seed_criteria"),
        ("movement", "0004_vietnamese_constraint_messages"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("xid", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "phiên bản dữ liệu"},
        ),
        migrations.CreateModel(
            name="DataChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ],
            options={"verbose_name": "đánh dấu thay đổi dữ liệu"},
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE_FUNCTIONS),
        *(
            migrations.RunSQL(
                f"CREATE TRIGGER dashboard_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION dashboard_mark_change()",
                f"DROP TRIGGER IF EXISTS dashboard_data_changed ON {table}",
            )
            for table in TABLES
        ),
    ]
