"""Import/export resources of the registry: Vietnamese headers, foreign keys by natural key.

Each resource is declared once and registered in ``dataio.entities``; the engine in ``dataio``
does the reading, checking and writing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from dataio.resources import EntityResource, col
from dataio.widgets import NaturalKeyWidget, UnitCodeTextWidget, UnitCodeWidget
from registry.models import (
    AdministrativeUnit,
    AreaKind,
    EffectivenessClass,
    ForceType,
    ForceUnit,
    ModelReview,
    ModelType,
    Organisation,
    OrganisationType,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
    UnitLevel,
    settle_end_day,
)
from registry.text import name_key

COMMUNE_CODE = "Mã xã"


def commune_column(attribute: str = "commune") -> Any:
    return col(
        attribute, COMMUNE_CODE, UnitCodeWidget(level=UnitLevel.COMMUNE, label=gettext_lazy("xã/phường"))
    )


def catalogue(model: type, attribute: str, header: str) -> Any:
    return col(attribute, header, NaturalKeyWidget(model, "name", label=model._meta.verbose_name))


class AdministrativeUnitResource(EntityResource):
    label = gettext_noop("Đơn vị hành chính")
    natural_key = ("code",)
    sample = {
        "code": "22615",
        "name": "Khánh Bình",
        "full_name": "Xã Khánh Bình",
        "kind": "Xã",
        "level": "Cấp xã",
        "parent": "573",
    }
    CODE_LENGTH = {UnitLevel.PROVINCE: 2, UnitLevel.DISTRICT: 3, UnitLevel.COMMUNE: 5}

    code = col("code", "Mã đơn vị", UnitCodeTextWidget(max_length=5), required=True)
    name = col("name", "Tên")
    full_name = col("full_name", "Tên đầy đủ")
    kind = col("kind", "Loại đơn vị")
    level = col("level", "Cấp")
    parent = col("parent", "Mã đơn vị cấp trên", UnitCodeWidget(label=gettext_lazy("đơn vị cấp trên")))

    class Meta:
        model = AdministrativeUnit
        fields = ("code", "name", "full_name", "kind", "level", "parent")

    def existing_queryset(self) -> Any:
        return AdministrativeUnit.objects.filter(valid_to__isnull=True)

    def validate_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        code, level, parent = values.get("code"), values.get("level"), values.get("parent")
        if not code or not level:
            return []
        problems = []
        if len(code) != self.CODE_LENGTH[level]:
            problems.append(
                (
                    "code",
                    _("Mã đơn vị cấp này phải có %(digits)s chữ số.") % {"digits": self.CODE_LENGTH[level]},
                )
            )
        if level == UnitLevel.PROVINCE and not getattr(self.user, "is_admin", False):
            # Every other unit is checked through its parent's scope; a province has none.
            problems.append(("level", _("Chỉ quản trị hệ thống được thêm, sửa đơn vị cấp tỉnh.")))
        if level == UnitLevel.PROVINCE and parent:
            problems.append(("parent", _("Đơn vị cấp tỉnh không có đơn vị cấp trên.")))
        elif level != UnitLevel.PROVINCE and not parent:
            problems.append(("parent", _("Thiếu mã đơn vị cấp trên.")))
        elif parent and (len(parent) >= len(code) or (level == UnitLevel.DISTRICT and len(parent) != 2)):
            problems.append(("parent", _("Đơn vị cấp trên '%(code)s' không đúng cấp.") % {"code": parent}))
        return problems

    def check_update(self, current: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
        if "parent_id" in new and new["parent_id"] != current["parent_id"]:
            return [
                (
                    "parent",
                    _(
                        "Không đổi đơn vị cấp trên của đơn vị đã có ở đây: sắp xếp lại địa giới dùng lệnh "
                        "import_admin_units với ngày hiệu lực."
                    ),
                )
            ]
        return []

    def before_insert(self, rows: list[dict[str, Any]]) -> None:
        parents = dict(
            AdministrativeUnit.objects.filter(pk__in={r["parent_id"] for r in rows} - {None}).values_list(
                "pk", "path"
            )
        )
        for row in rows:
            row["path"] = f"{parents.get(row['parent_id'], '')}{row['code']}/"


class EndDayMixin:
    """Rows that end on a day (``registry.models.EndsOnDay``): the model's rule, applied to the
    rows a file writes. A row that a file ends without giving the day ends on the day of the
    import, as on its page; a row that had already ended keeps its day, known or not."""

    def end_day_message(self) -> str:
        """The model's ``end_conflict`` in a file's words: which column to change."""
        raise NotImplementedError

    def validate_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = super().validate_row(values)
        model = self._meta.model
        # An empty status cell would leave the row running (new rows start active).
        stays_running = all(values.get(name) in (None, value) for name, value in model.active_lookup.items())
        if values.get(model.end_field) and stays_running:
            problems.append((model.end_field, self.end_day_message()))
        if model.end_before_start_values(values):
            problems.append((model.end_field, str(model.end_before_start)))
        return problems

    def before_insert(self, rows: list[dict[str, Any]]) -> None:
        model = self._meta.model
        for values in rows:
            settle_end_day(values, active=model.is_running_values(values), field=model.end_field)

    def before_update(self, rows: list[dict[str, Any]]) -> None:
        model = self._meta.model
        end_field, running = model.end_field, model.is_running_values
        if not rows or not set(model.active_lookup) <= set(rows[0]):
            return  # the file leaves every row as active as it was, and its day as it was
        if end_field not in rows[0]:
            # Every row of an update writes the same columns: the day comes from the database.
            ids = [r["id"] for r in rows]
            stored = dict(model.objects.filter(pk__in=ids).values_list("pk", end_field))
            for values in rows:
                values[end_field] = stored.get(values["id"])
        ending = [r["id"] for r in rows if not running(r) and not r.get(end_field)]
        was_active = set(
            model.objects.filter(pk__in=ending, **model.active_lookup).values_list("pk", flat=True)
        )
        for values in rows:
            ended_now = values["id"] in was_active
            settle_end_day(values, active=running(values), field=end_field, was_active=ended_now)


class ClosableResource(EndDayMixin, EntityResource):
    """Areas and organisations: a closing day goes with "no" in the existence column."""

    active_header = ""

    def end_day_message(self) -> str:
        return _("Có ngày ngừng thì cột “%(column)s” phải ghi “Không”.") % {"column": self.active_header}


class ResidentialAreaResource(ClosableResource):
    label = gettext_noop("Khu dân cư")
    natural_key = ("commune", "name")
    sample = {"commune": "22615", "name": "Thôn Ba Cẩm", "kind": "Thôn", "households": 120, "population": 480}

    commune = commune_column()
    name = col("name", "Tên thôn/tổ dân phố")
    kind = catalogue(AreaKind, "kind", "Loại khu dân cư")
    households = col("households", "Số hộ")
    population = col("population", "Số nhân khẩu")
    opened_on = col("opened_on", "Có từ ngày")
    is_active = col("is_active", "Đang tồn tại")
    closed_on = col("closed_on", "Ngừng từ ngày")
    active_header = "Đang tồn tại"

    def validate_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = super().validate_row(values)
        households, population = values.get("households"), values.get("population")
        problem = ResidentialArea.more_households_than_people(households, population)
        if problem:
            problems.append(("households", problem))
        return problems

    class Meta:
        model = ResidentialArea
        fields = (
            "commune",
            "name",
            "kind",
            "households",
            "population",
            "opened_on",
            "is_active",
            "closed_on",
        )


class OrganisationResource(ClosableResource):
    label = gettext_noop("Cơ quan, doanh nghiệp, nhà trường")
    natural_key = ("commune", "name")
    sample = {
        "commune": "22615",
        "name": "Trường THCS Khánh Bình",
        "org_type": "Trường trung học cơ sở, trung học phổ thông",
        "address": "Thôn Ba Cẩm",
        "staff_count": 35,
    }

    commune = commune_column()
    name = col("name", "Tên cơ quan, doanh nghiệp, nhà trường")
    org_type = catalogue(OrganisationType, "org_type", "Loại cơ quan, doanh nghiệp, nhà trường")
    address = col("address", "Địa chỉ")
    staff_count = col("staff_count", "Số cán bộ, nhân viên")
    opened_on = col("opened_on", "Có từ ngày")
    is_active = col("is_active", "Đang hoạt động")
    closed_on = col("closed_on", "Ngừng từ ngày")
    active_header = "Đang hoạt động"

    class Meta:
        model = Organisation
        fields = (
            "commune",
            "name",
            "org_type",
            "address",
            "staff_count",
            "opened_on",
            "is_active",
            "closed_on",
        )


class SteeringCommitteeResource(EndDayMixin, EntityResource):
    label = gettext_noop("Ban chỉ đạo")
    natural_key = ("commune", "decision_number", "decision_date")
    sample = {
        "commune": "22615",
        "decision_number": "15/QĐ-UBND",
        "decision_date": "15/01/2024",
        "head_name": "Nguyễn Văn A",
        "head_position": "Chủ tịch UBND xã",
        "member_count": 12,
    }

    commune = commune_column()
    decision_number = col("decision_number", "Số quyết định")
    decision_date = col("decision_date", "Ngày quyết định")
    head_name = col("head_name", "Trưởng ban")
    head_position = col("head_position", "Chức vụ trưởng ban")
    member_count = col("member_count", "Số thành viên")
    members = col("members", "Thành viên")
    is_active = col("is_active", "Đang hoạt động")
    ended_on = col("ended_on", "Hết hoạt động từ ngày")

    class Meta:
        model = SteeringCommittee
        fields = (
            "commune",
            "decision_number",
            "decision_date",
            "head_name",
            "head_position",
            "member_count",
            "members",
            "is_active",
            "ended_on",
        )

    def end_day_message(self) -> str:
        return _("Có ngày hết hoạt động thì cột “Đang hoạt động” phải ghi “Không”.")

    def validate_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = super().validate_row(values)
        too_many = SteeringCommittee.too_many_listed(values.get("member_count"), values.get("members"))
        if too_many:
            problems.append(("member_count", too_many))
        return problems

    def validate_resolved(self, rows: list[Any]) -> list[tuple[int, str, str]]:
        """One active committee per commune, once the file is applied: checked in the dry run
        too, with the committee that stays active named, not left to the database at confirm."""
        communes = {r.resolved.get("commune") for r in rows} - {None}
        stored = SteeringCommittee.objects.filter(commune_id__in=communes).values_list(
            "commune_id", "decision_number", "decision_date", "is_active"
        )
        active = {(c, name_key(n), d): (is_active, n) for c, n, d, is_active in stored}
        file_rows: dict[tuple, Any] = {}
        for row in rows:
            number = row.values.get("decision_number")
            key = (row.resolved.get("commune"), name_key(number), row.values.get("decision_date"))
            given = row.values.get("is_active")
            # An empty cell keeps the stored value; a new committee is active unless told otherwise.
            is_active = given if given is not None else active.get(key, (True, number))[0]
            active[key] = (is_active, number)
            file_rows[key] = row
        problems = []
        by_commune: dict[int, list[tuple]] = {}
        for key, (is_active, _number) in active.items():
            if is_active:
                by_commune.setdefault(key[0], []).append(key)
        for keys in by_commune.values():
            if len(keys) < 2:
                continue
            numbers = ", ".join(sorted(str(active[k][1]) for k in keys))
            message = _(
                "Xã/phường chỉ có một ban chỉ đạo đang hoạt động; sau khi nhập sẽ có %(count)s "
                "(%(numbers)s). Ghi “Không” ở cột “Đang hoạt động” cho ban cũ."
            ) % {"count": len(keys), "numbers": numbers}
            problems += [(file_rows[k].number, "is_active", message) for k in keys if k in file_rows]
        return problems


def _host_columns() -> dict[str, Any]:
    return {
        "area": col(
            "area",
            "Khu dân cư",
            NaturalKeyWidget(ResidentialArea, "name", within="commune", label=gettext_lazy("khu dân cư")),
        ),
        "organisation": col(
            "organisation",
            "Cơ quan, doanh nghiệp, nhà trường",
            NaturalKeyWidget(
                Organisation,
                "name",
                within="commune",
                label=gettext_lazy("cơ quan, doanh nghiệp, nhà trường"),
            ),
        ),
    }


class HostedResource(EndDayMixin, EntityResource):
    def end_day_message(self) -> str:
        return _("Có ngày ngừng thì cột “Tình trạng” phải là tạm dừng hoặc đã giải thể.")

    def validate_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if values.get("area") and values.get("organisation"):
            return [
                ("organisation", _("Chỉ ghi một nơi: khu dân cư hoặc cơ quan, doanh nghiệp, nhà trường."))
            ]
        return super().validate_row(values)


class ForceUnitResource(HostedResource):
    label = gettext_noop("Lực lượng nòng cốt")
    natural_key = ("commune", "name")
    sample = {
        "commune": "22615",
        "name": "Tổ bảo vệ ANTT thôn Ba Cẩm",
        "force_type": "Tổ bảo vệ an ninh, trật tự",
        "area": "Thôn Ba Cẩm",
        "member_count": 5,
        "leader_name": "Trần Văn B",
        "established_on": "01/07/2024",
    }

    commune = commune_column()
    name = col("name", "Tên lực lượng")
    force_type = catalogue(ForceType, "force_type", "Loại lực lượng")
    area = _host_columns()["area"]
    organisation = _host_columns()["organisation"]
    member_count = col("member_count", "Số thành viên")
    leader_name = col("leader_name", "Người phụ trách")
    leader_position = col("leader_position", "Chức vụ người phụ trách")
    established_on = col("established_on", "Ngày thành lập")
    stopped_on = col("stopped_on", "Ngừng hoạt động từ ngày")
    decision_number = col("decision_number", "Số quyết định thành lập")
    status = col("status", "Tình trạng")

    class Meta:
        model = ForceUnit
        fields = (
            "commune",
            "name",
            "force_type",
            "area",
            "organisation",
            "member_count",
            "leader_name",
            "leader_position",
            "established_on",
            "decision_number",
            "status",
            "stopped_on",
        )

    def validate_resolved(self, rows: list[Any]) -> list[tuple[int, str, str]]:
        """A type replaced by a reform is not given to a unit set up after it (as on the form)."""
        types = self.resolved_ids(rows, "force_type")
        last_days = dict(ForceType.objects.filter(pk__in=types).values_list("pk", "valid_to"))
        return self.row_problems(
            rows,
            "force_type",
            lambda row: ForceUnit.after_type_ended(
                row.values.get("established_on"), last_days.get(row.resolved.get("force_type"))
            ),
        )


class SecurityModelResource(HostedResource):
    label = gettext_noop("Mô hình tự quản về ANTT")
    natural_key = ("commune", "name")
    sample = {
        "commune": "22615",
        "name": "Camera an ninh thôn Ba Cẩm",
        "model_type": "Camera an ninh",
        "area": "Thôn Ba Cẩm",
        "started_on": "01/03/2023",
        "participants": 40,
    }

    commune = commune_column()
    name = col("name", "Tên mô hình")
    model_type = catalogue(ModelType, "model_type", "Loại mô hình")
    area = _host_columns()["area"]
    organisation = _host_columns()["organisation"]
    started_on = col("started_on", "Ngày bắt đầu")
    stopped_on = col("stopped_on", "Ngừng hoạt động từ ngày")
    participants = col("participants", "Số người tham gia")
    status = col("status", "Tình trạng")
    description = col("description", "Mô tả")

    class Meta:
        model = SecurityModel
        fields = (
            "commune",
            "name",
            "model_type",
            "area",
            "organisation",
            "started_on",
            "participants",
            "status",
            "stopped_on",
            "description",
        )


class ModelReviewResource(EntityResource):
    label = gettext_noop("Đánh giá mô hình")
    natural_key = ("model", "reviewed_on", "kind")
    sample = {
        "commune": "22615",
        "model": "Camera an ninh thôn Ba Cẩm",
        "reviewed_on": "15/06/2024",
        "kind": "Sơ kết",
        "effectiveness": "Tốt",
    }

    # The commune is read to find the model by name; it is not a column of the review.
    commune = col(
        "model__commune",
        COMMUNE_CODE,
        UnitCodeWidget(level=UnitLevel.COMMUNE, label=gettext_lazy("xã/phường")),
        required=True,
    )
    model = col(
        "model",
        "Tên mô hình",
        NaturalKeyWidget(SecurityModel, "name", within="commune", label=gettext_lazy("mô hình")),
    )
    reviewed_on = col("reviewed_on", "Ngày đánh giá")
    kind = col("kind", "Hình thức")
    effectiveness = catalogue(EffectivenessClass, "effectiveness", "Mức hiệu quả")
    notes = col("notes", "Ghi chú")

    class Meta:
        model = ModelReview
        fields = ("commune", "model", "reviewed_on", "kind", "effectiveness", "notes")

    def validate_resolved(self, rows: list[Any]) -> list[tuple[int, str, str]]:
        """A review is not dated before its model started (as on the model's page)."""
        models = self.resolved_ids(rows, "model")
        started = dict(SecurityModel.objects.filter(pk__in=models).values_list("pk", "started_on"))
        return self.row_problems(
            rows,
            "reviewed_on",
            lambda row: ModelReview.before_start(
                row.values.get("reviewed_on"), started.get(row.resolved.get("model"))
            ),
        )
