"""The version of the data the dashboards count, kept by the database itself.

Every write to a table of the registry, certification or movement apps marks its transaction
(statement triggers, see migration 0002); when such a transaction commits, ``DataVersion`` takes
its transaction id. A dashboard computed in a snapshot where the version is ``v`` describes exactly
the committed data of version ``v``, so it may be reused until the version moves on: a rendered
page is a copy for reading, never a second record of a figure. Transaction ids only grow, and a
restored backup brings back the version that matches its data.

Rendered pages are kept on disk, shared by the server's processes and kept across restarts, so a
version also names its database's lineage: a new database (or one whose transaction ids start
lower, after a restore on another server) draws a new one, and never meets an older database's
pages under the same transaction id.
"""

from __future__ import annotations

from django.contrib.postgres.functions import RandomUUID
from django.db import models


class DataVersion(models.Model):
    """One row: the id of the last transaction that changed the counted data."""

    xid = models.BigIntegerField(default=0)
    lineage = models.UUIDField(db_default=RandomUUID(), editable=False)

    class Meta:
        verbose_name = "phiên bản dữ liệu"

    def __str__(self) -> str:
        return str(self.xid)


class DataChange(models.Model):
    """A marker inserted once by a writing transaction; its deferred trigger moves the version at
    commit and deletes it, so the table stays empty."""

    class Meta:
        verbose_name = "đánh dấu thay đổi dữ liệu"

    def __str__(self) -> str:
        return str(self.pk)
