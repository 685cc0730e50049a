"""Moving the registry onto a new administrative shape (the 2025 merger of communes).

Loading the new unit list (``registry.services.import_admin_units``) closes the old communes and
opens the new ones, but the registry still hangs off the old ones. This module re-attaches what
lives on: residential areas, organisations, core forces and models, dossiers still in progress,
and the commune officers' scopes. What is history stays where it happened: steering committees,
plans, campaigns, commendations and decided certification records keep their old commune, so the
old units' figures for past years still find them. What moves keeps its old commune as
``former_commune``: the years before the merger count it there.

Which new commune takes an old one: the one that kept its code, unless a mapping file says
otherwise (``Mã xã cũ``, ``Mã xã mới``); a closed commune that still holds rows and has neither
is an error, and nothing moves.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from accounts.models import User
from audit.services import bulk_update_audited
from certification.models import CertificationRecord, State, SubjectKind
from registry.models import (
    AdministrativeUnit,
    ForceUnit,
    Organisation,
    ResidentialArea,
    SecurityModel,
    UnitLevel,
)
from registry.text import name_key

MOVE_REASON = "Chuyển sang đơn vị hành chính mới"
OLD_HEADERS = ("mã xã cũ", "old_code")
NEW_HEADERS = ("mã xã mới", "new_code")
# A dossier still being worked on moves with its subject; a decided one is history.
OPEN_STATES = (State.REGISTERED, State.SUBMITTED, State.REJECTED)
# What lives on in the new commune, with the report's word for it.
LIVING = (
    (ResidentialArea, "khu dân cư"),
    (Organisation, "cơ quan, doanh nghiệp, nhà trường"),
    (ForceUnit, "lực lượng"),
    (SecurityModel, "mô hình"),
)


class MoveError(Exception):
    """Nothing was moved; ``errors`` says why, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class MoveReport:
    communes: int = 0  # closed communes whose rows moved
    moved: dict[str, int] = field(default_factory=dict)
    renamed: list[str] = field(default_factory=list)
    users_left: list[str] = field(default_factory=list)  # scoped to a closed district: for an admin
    dry_run: bool = False

    def lines(self) -> list[str]:
        if not any(self.moved.values()):
            return ["Không có gì phải chuyển: sổ đăng ký đã ở các xã/phường đang có hiệu lực."]
        head = "Chạy thử, chưa ghi gì: " if self.dry_run else "Đã chuyển: "
        counts = ", ".join(f"{n} {label}" for label, n in self.moved.items() if n)
        where = f" (từ {self.communes} xã/phường đã hết hiệu lực)" if self.communes else ""
        lines = [f"{head}{counts}{where}."]
        lines += [f"Đổi tên vì trùng trong xã mới: {r}" for r in self.renamed]
        if self.users_left:
            lines.append(
                "Người dùng có phạm vi là đơn vị đã hết hiệu lực (quản trị viên cần đổi phạm vi): "
                + ", ".join(self.users_left)
            )
        return lines


def read_mapping(path: Path | str) -> list[dict[str, str]]:
    text = Path(path).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _column(row: dict[str, str], names: Iterable[str]) -> str:
    for key, value in row.items():
        if key and key.strip().lower() in names:
            return (value or "").strip()
    return ""


def _targets(raw_rows: list[dict[str, str]], errors: list[str]) -> dict[str, AdministrativeUnit]:
    """Old commune code → the open commune that takes it, from the file (checked line by line)."""
    if raw_rows and not (_has(raw_rows[0], OLD_HEADERS) and _has(raw_rows[0], NEW_HEADERS)):
        errors.append("Tệp ánh xạ cần hai cột “Mã xã cũ” và “Mã xã mới”.")
        return {}
    wanted = {_column(r, NEW_HEADERS) for r in raw_rows}
    open_communes = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, valid_to__isnull=True, code__in=wanted
        )
    }
    known = set(
        AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, code__in={_column(r, OLD_HEADERS) for r in raw_rows}
        ).values_list("code", flat=True)
    )
    targets: dict[str, AdministrativeUnit] = {}
    seen: dict[str, int] = {}
    for line, row in enumerate(raw_rows, start=2):
        old, new = _column(row, OLD_HEADERS), _column(row, NEW_HEADERS)
        if old in seen:
            errors.append(f"Dòng {line}: mã xã cũ '{old}' đã có ở dòng {seen[old]}.")
        elif old not in known:
            errors.append(f"Dòng {line}: không có xã/phường mã '{old}'.")
        elif new not in open_communes:
            errors.append(f"Dòng {line}: mã xã mới '{new}' không phải xã/phường đang có hiệu lực.")
        else:
            seen[old] = line
            targets[old] = open_communes[new]
    return targets


def _has(row: dict[str, str], names: Iterable[str]) -> bool:
    return any(key and key.strip().lower() in names for key in row)


def _closed_holding_rows() -> dict[int, AdministrativeUnit]:
    """Closed commune versions that still hold something that lives on."""
    ids: set[int] = set()
    closed = models.Q(commune__valid_to__isnull=False)
    for model, _label in LIVING:
        ids |= set(model.objects.filter(closed).values_list("commune_id", flat=True).distinct())
    ids |= set(
        CertificationRecord.objects.filter(
            closed, state__in=OPEN_STATES, period_end__gt=models.F("commune__valid_to")
        )
        .exclude(subject_kind=SubjectKind.COMMUNE)
        .values_list("commune_id", flat=True)
        .distinct()
    )
    ids |= set(
        User.objects.filter(scope_unit__valid_to__isnull=False, scope_unit__level=UnitLevel.COMMUNE)
        .values_list("scope_unit_id", flat=True)
        .distinct()
    )
    return AdministrativeUnit.objects.select_related("parent").in_bulk(ids)


def _rehome_named(
    model: type[ResidentialArea] | type[Organisation] | type[ForceUnit] | type[SecurityModel],
    target_of: dict[int, AdministrativeUnit],
    renamed: list[str],
) -> list[models.Model]:
    """Point the rows at their new commune, remembering the old one for the years before (see
    ``Relocatable``); a name already taken there gets its old commune's."""
    rows = list(model.objects.filter(commune_id__in=target_of).select_related("commune").order_by("pk"))
    taken: dict[int, set[str]] = defaultdict(set)
    for commune_id, name in model.objects.filter(
        commune_id__in={t.pk for t in target_of.values()}
    ).values_list("commune_id", "name"):
        taken[commune_id].add(name_key(name))
    limit = model._meta.get_field("name").max_length
    for row in rows:
        target, old = target_of[row.commune_id], row.commune
        name = row.name
        candidate = name
        suffixes = (f" ({old.name})", f" ({old.name}, {old.code})")
        attempt = 0
        while name_key(candidate) in taken[target.pk]:
            suffix = suffixes[attempt] if attempt < len(suffixes) else f" ({old.code}-{attempt})"
            candidate = name[: limit - len(suffix)] + suffix
            attempt += 1
        if candidate != name:
            renamed.append(f"“{name}” ({old.full_name}) → “{candidate}” ({target.full_name})")
            row.name = candidate
        taken[target.pk].add(name_key(row.name))
        row.former_commune, row.commune = old, target
    return rows


def _targets_of_closed(
    raw_rows: list[dict[str, str]], errors: list[str]
) -> tuple[dict[int, AdministrativeUnit], list[AdministrativeUnit]]:
    """Each closed commune holding rows → its target; and those that have none."""
    explicit = _targets(raw_rows, errors)
    holding = _closed_holding_rows()
    open_by_code = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, valid_to__isnull=True, code__in={u.code for u in holding.values()}
        )
    }
    target_of: dict[int, AdministrativeUnit] = {}
    missing: list[AdministrativeUnit] = []
    for unit in sorted(holding.values(), key=lambda u: u.code):
        target = explicit.get(unit.code) or open_by_code.get(unit.code)
        if target is None:
            missing.append(unit)
        else:
            target_of[unit.pk] = target
    return target_of, missing


def mapping_template(raw_rows: list[dict[str, str]] | None = None) -> str:
    """A mapping CSV to fill in: one line per closed commune that still needs a target."""
    _target_of, missing = _targets_of_closed(raw_rows or [], [])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Mã xã cũ", "Tên xã cũ", "Đơn vị cấp trên cũ", "Mã xã mới"])
    for unit in missing:
        writer.writerow([unit.code, unit.full_name, unit.parent.full_name if unit.parent_id else "", ""])
    return buffer.getvalue()


@transaction.atomic
def move_to_current_communes(
    raw_rows: list[dict[str, str]] | None = None, *, dry_run: bool = False, user: User | None = None
) -> MoveReport:
    """Re-attach what lives on from closed communes to the open ones; all or nothing, audited."""
    errors: list[str] = []
    target_of, missing = _targets_of_closed(raw_rows or [], errors)
    errors += [
        f"{unit.full_name} (mã {unit.code}, hết hiệu lực từ {unit.valid_to:%d/%m/%Y}) còn dữ liệu "
        "nhưng chưa biết sáp nhập vào xã/phường nào: thêm dòng cho mã này vào tệp ánh xạ."
        for unit in missing
    ]
    if errors:
        raise MoveError(errors)

    report = MoveReport(communes=len(target_of), dry_run=dry_run)
    audited = {"user": user, "reason": MOVE_REASON}
    for model, label in LIVING:
        rows = _rehome_named(model, target_of, report.renamed)
        fields = ["commune", "former_commune", "name"]
        report.moved[label] = bulk_update_audited(rows, model, fields, **audited)
    # Only a dossier of a year still running when its commune closed; an older one left
    # undecided belongs to that year, under that commune.
    records = [
        record
        for record in CertificationRecord.objects.filter(commune_id__in=target_of, state__in=OPEN_STATES)
        .exclude(subject_kind=SubjectKind.COMMUNE)
        .select_related("commune")
        if record.period_end > record.commune.valid_to
    ]
    for record in records:
        record.commune = target_of[record.commune_id]
    report.moved["hồ sơ đang xét"] = bulk_update_audited(records, CertificationRecord, ["commune"], **audited)
    users = list(User.objects.filter(scope_unit_id__in=target_of))
    for account in users:
        account.scope_unit = target_of[account.scope_unit_id]
    # A province that kept its code (a new version, e.g. for a new spelling) keeps its users.
    kept = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(valid_to__isnull=True).exclude(level=UnitLevel.COMMUNE)
    }
    for account in User.objects.filter(scope_unit__valid_to__isnull=False).exclude(
        scope_unit__level=UnitLevel.COMMUNE
    ).select_related("scope_unit"):
        if account.scope_unit.code in kept:
            account.scope_unit = kept[account.scope_unit.code]
            users.append(account)
    report.moved["người dùng"] = bulk_update_audited(users, User, ["scope_unit"], **audited)
    report.users_left = list(
        User.objects.filter(scope_unit__valid_to__isnull=False, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)
    )
    if dry_run:
        transaction.set_rollback(True)
    return report
