"""A data version is (lineage, transaction id): see ``dashboard.models``.

The lineage is drawn when the version row is made (a new database) and again whenever the version
would move back, which only happens when transaction ids restart below it (a backup restored on
another server): the cache on disk may hold pages for those ids from this database's past.
"""

import django.contrib.postgres.functions
from django.db import migrations, models

BUMP = """
CREATE OR REPLACE FUNCTION dashboard_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboard_dataversion (id, xid) VALUES (1, txid_current())
        ON CONFLICT (id) DO UPDATE SET
            xid = EXCLUDED.xid,
            lineage = CASE WHEN EXCLUDED.xid < dashboard_dataversion.xid
                           THEN gen_random_uuid() ELSE dashboard_dataversion.lineage END;
    DELETE FROM dashboard_datachange WHERE id = NEW.id;
    RETURN NULL;
END $$;
"""

PREVIOUS_BUMP = """
CREATE OR REPLACE FUNCTION dashboard_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboard_dataversion (id, xid) VALUES (1, txid_current())
        ON CONFLICT (id) DO UPDATE SET xid = EXCLUDED.xid;
    DELETE FROM dashboard_datachange WHERE id = NEW.id;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0003_version_follows_history_and_users")]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="lineage",
            field=models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), editable=False),
        ),
        migrations.RunSQL(BUMP, PREVIOUS_BUMP),
    ]
