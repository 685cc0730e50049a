"""Import and export workflows: permission, limits, log, plan, and the one write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action, Role
from dataio.engine import ImportFailed, Plan, make_plan, write_plan
from dataio.entities import slug_for
from dataio.models import ImportLog
from dataio.readers import FileRefused, read_table
from dataio.resources import EntityResource, header_matcher

if TYPE_CHECKING:
    from accounts.models import User


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
    log = ImportLog.objects.create(
        user=user if user.pk else None,
        entity=slug_for(resource_class),
        file_name=clean_file_name(filename),
        dry_run=dry_run,
    )
    outcome = ImportOutcome(log)
    try:
        table = read_table(data, filename, size, is_header=header_matcher(resource_class))
    except FileRefused as exc:
        outcome.refused = str(exc)
        return _finish(outcome, ImportLog.Status.REFUSED)
    log.file_format = table.format
    plan = outcome.plan = make_plan(resource_class, table, user)
    if not plan.ok:
        return _finish(outcome, ImportLog.Status.INVALID)
    if not dry_run:
        try:
            write_plan(plan, user if user.pk else None, reason=import_reason(log))
        except ImportFailed as exc:
            outcome.failed = str(exc)
        except IntegrityError as exc:
            outcome.failed = _(
                "Không ghi được vì dữ liệu vi phạm ràng buộc của cơ sở dữ liệu "
                "(%(constraint)s); không có thay đổi nào được lưu."
            ) % {"constraint": _constraint(exc)}
        except DatabaseError as exc:
            outcome.failed = _("Lỗi cơ sở dữ liệu, không có thay đổi nào được lưu: %(error)s") % {
                "error": exc
            }
        if outcome.failed:
            return _finish(outcome, ImportLog.Status.FAILED)
    return _finish(outcome, ImportLog.Status.OK)


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
