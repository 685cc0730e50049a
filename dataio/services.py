"""Import and export workflows: permission, limits, log, plan, and the one write."""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action, Role
from dataio.engine import ImportFailed, Plan, make_plan, write_plan
from dataio.entities import get_resource, slug_for
from dataio.models import ImportLog
from dataio.readers import FileRefused, read_table
from dataio.resources import EntityResource, header_matcher

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


@dataclass
class ImportOutcome:
    log: ImportLog
    plan: Plan | None = None
    refused: str = ""  # the file as a whole was refused (size, format, limits)
    failed: str = ""  # the write failed; nothing was saved

    @property
    def ok(self) -> bool:
        return not self.refused and not self.failed and self.plan is not None and self.plan.ok

    @property
    def message(self) -> str:
        return self.refused or self.failed or (self.plan.summary() if self.plan else "")


def system_user() -> User:
    """An administrator context for imports run from the shell without ``--user`` (never saved)."""
    from accounts.models import User

    return User(username="system", role=Role.ADMIN, is_superuser=True, is_active=True)


def clean_file_name(name: str) -> str:
    """A file name fit to show and store: no control characters (a NUL cannot go into PostgreSQL)."""
    return "".join(ch for ch in name if ch.isprintable())[:255] or "tep-khong-ten"


def run_import(
    resource_class: type[EntityResource],
    data: IO[bytes],
    filename: str,
    user: User,
    *,
    dry_run: bool,
    size: int | None = None,
) -> ImportOutcome:
    """Check a file and, unless ``dry_run``, write it in one transaction: all rows or none."""
    if not user.can(Action.IMPORT):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được nhập dữ liệu hàng loạt."))
    close_interrupted()
    log = ImportLog.objects.create(
        user=user if user.pk else None,
        entity=slug_for(resource_class),
        file_name=clean_file_name(filename),
        dry_run=dry_run,
    )
    with _log_lock(log):
        try:
            return _run(resource_class, data, filename, user, log, dry_run=dry_run, size=size)
        except Exception:
            # A fault of ours, not of the file. The planning and the write each ran in their own
            # transaction, rolled back by now, so the log (written outside them) can say so
            # instead of staying "running", and the user gets a message, not an error page.
            logger.exception("Import #%s (%s) stopped by an unexpected error", log.pk, log.entity)
            outcome = ImportOutcome(
                log,
                failed=_(
                    "Lỗi ngoài dự kiến khi xử lý tệp; không có thay đổi nào được lưu. Lỗi đã được "
                    "ghi lại (lần nhập #%(log)s) để bộ phận kỹ thuật kiểm tra."
                )
                % {"log": log.pk},
            )
            return _finish(outcome, ImportLog.Status.FAILED)


def _run(
    resource_class: type[EntityResource],
    data: IO[bytes],
    filename: str,
    user: User,
    log: ImportLog,
    *,
    dry_run: bool,
    size: int | None,
) -> ImportOutcome:
    outcome = ImportOutcome(log)
    try:
        table = read_table(data, filename, size, is_header=header_matcher(resource_class))
    except FileRefused as exc:
        outcome.refused = str(exc)
        return _finish(outcome, ImportLog.Status.REFUSED)
    log.file_format = table.format
    if dry_run:
        # Read-only, but in a transaction of its own all the same: a failed query cannot leave a
        # caller's transaction unusable for the log's last word.
        with transaction.atomic():
            plan = outcome.plan = make_plan(resource_class, table, user)
        return _finish(outcome, ImportLog.Status.OK if plan.ok else ImportLog.Status.INVALID)
    try:
        with transaction.atomic():
            # One import writes at a time, and plans only once the one before it has committed:
            # two imports planned side by side would each miss the other's rows.
            _wait_for_other_imports()
            plan = outcome.plan = make_plan(resource_class, table, user)
            if not plan.ok:
                return _finish(outcome, ImportLog.Status.INVALID)
            write_plan(plan, user if user.pk else None, reason=import_reason(log))
    except ImportFailed as exc:
        outcome.failed = str(exc)
    except ImportBusy:
        outcome.failed = _("Đang có một lần nhập dữ liệu khác đang ghi; hãy thử lại sau ít phút.")
    except IntegrityError as exc:
        outcome.failed = _(
            "Không ghi được vì dữ liệu vi phạm ràng buộc của cơ sở dữ liệu "
            "(%(constraint)s); không có thay đổi nào được lưu."
        ) % {"constraint": _constraint(exc)}
    except DatabaseError as exc:
        outcome.failed = _("Lỗi cơ sở dữ liệu, không có thay đổi nào được lưu: %(error)s") % {"error": exc}
    if outcome.failed:
        return _finish(outcome, ImportLog.Status.FAILED)
    return _finish(outcome, ImportLog.Status.OK)


# Advisory lock keys (PostgreSQL's two-number form): one for the write, one per running log.
WRITE_LOCK = (72_001, 0)
LOG_LOCK_CLASS = 72_002
WRITE_WAIT = "20s"


class ImportBusy(Exception):
    """Another import kept the write lock for longer than an import may wait."""


def _wait_for_other_imports() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [WRITE_WAIT])
        try:
            with transaction.atomic():
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", WRITE_LOCK)
        except OperationalError as exc:
            raise ImportBusy from exc
        cursor.execute("SELECT set_config('lock_timeout', '0', true)")


@contextlib.contextmanager
def _log_lock(log: ImportLog) -> Iterator[None]:
    """Hold a session lock named after the log while the import runs: if the process dies, the
    database drops the lock with the connection, and the log can be told apart from a live one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOG_LOCK_CLASS, log.pk])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOG_LOCK_CLASS, log.pk])


def close_interrupted() -> int:
    """Mark as interrupted the logs still "running" whose process is gone (killed, crashed).

    The write is one transaction, so such an import either committed whole before it died or
    saved nothing; its history rows tell which. A log younger than a minute is left alone: its
    process may not have taken its lock yet.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objsubid = 2",
            [LOG_LOCK_CLASS],
        )
        live = {row[0] for row in cursor.fetchall()}
    cutoff = timezone.now() - datetime.timedelta(minutes=1)
    stale = ImportLog.objects.filter(status=ImportLog.Status.RUNNING, started_at__lt=cutoff)
    stale = stale.exclude(pk__in=live)
    closed = 0
    for log in stale:
        saved = not log.dry_run and _wrote_history(log)
        log.status = ImportLog.Status.OK if saved else ImportLog.Status.INTERRUPTED
        log.message = (
            _("Tiến trình nhập dừng sau khi đã ghi xong; nhật ký được hoàn tất sau.")
            if saved
            else _("Tiến trình nhập dừng giữa chừng; không có thay đổi nào được lưu.")
        )
        log.save(update_fields=["status", "message"])
        closed += 1
    return closed


def _wrote_history(log: ImportLog) -> bool:
    try:
        model = get_resource(log.entity)._meta.model
    except Http404:
        return False
    history = getattr(model, "history", None)
    if history is None:
        return False
    reason = import_reason(log)
    return history.filter(history_date__gte=log.started_at, history_change_reason=reason).exists()


def import_reason(log: ImportLog) -> str:
    """The change reason of every history row an import writes: which import, from which file."""
    return f"Nhập dữ liệu #{log.pk} ({log.file_name})"[:100]


def _constraint(exc: IntegrityError) -> str:
    diag = getattr(getattr(exc, "__cause__", None), "diag", None)
    return getattr(diag, "constraint_name", None) or str(exc).splitlines()[0]


def _finish(outcome: ImportOutcome, status: str) -> ImportOutcome:
    log, plan = outcome.log, outcome.plan
    log.status = status
    log.finished_at = timezone.now()
    if plan is not None:
        log.total_rows = plan.total
        log.created_count = plan.counts["new"]
        log.updated_count = plan.counts["updated"]
        log.unchanged_count = plan.counts["unchanged"]
        log.error_count = len(plan.errors)
    log.message = outcome.message[:2000]
    log.save()
    return outcome
