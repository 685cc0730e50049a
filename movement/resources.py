"""Import/export of plans, campaigns with their results, and commendations.

A campaign is one row, with one column per result metric named as in the metric catalogue
("Số buổi tuyên truyền", …): that is how a province's yearly tables are laid out and what a
clerk copies from a report. See ``dataio/README.md``.
"""

from __future__ import annotations

import decimal
from typing import Any

from django.db import models
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from dataio.resources import Column, EntityResource, col, columns_of
from dataio.widgets import (
    CellError,
    CellWidget,
    LocalDateWidget,
    NaturalKeyWidget,
    TextWidget,
    UnitCodeWidget,
    cell_text,
    shown,
)
from movement.models import (
    COMMENDATION_KEY,
    Campaign,
    CampaignKind,
    CampaignResult,
    Commendation,
    CommendationForm,
    Plan,
    RecipientKind,
    ResultMetric,
)
from registry.models import ForceUnit, Organisation, SecurityModel, UnitLevel
from registry.text import fold


def unit_column(attribute: str, header: str, label: str) -> Any:
    return col(attribute, header, UnitCodeWidget(label=label))


class PlanResource(EntityResource):
    label = gettext_noop("Kế hoạch")
    natural_key = ("issuing_unit", "number", "year_from")
    sample = {
        "issuing_unit": "56",
        "number": "747/KH-CAT",
        "title": "Vận động toàn dân phòng, chống trộm cắp, cướp giật tài sản",
        "issuer": "Công an tỉnh",
        "issued_on": "15/01/2024",
        "year_from": 2024,
        "year_to": 2026,
        "status": "Đang thực hiện",
    }

    issuing_unit = unit_column("issuing_unit", "Mã đơn vị ban hành", gettext_lazy("đơn vị ban hành"))
    number = col("number", "Số, ký hiệu")
    title = col("title", "Trích yếu")
    issuer = col("issuer", "Cơ quan ban hành")
    issued_on = col("issued_on", "Ngày ban hành")
    year_from = col("year_from", "Từ năm")
    year_to = col("year_to", "Đến năm")
    status = col("status", "Tình trạng")
    summary = col("summary", "Nội dung chính")

    class Meta:
        model = Plan
        fields = (
            "issuing_unit",
            "number",
            "title",
            "issuer",
            "issued_on",
            "year_from",
            "year_to",
            "status",
            "summary",
        )

    def validate_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        start, end = values.get("year_from"), values.get("year_to")
        if start and end and end < start:
            return [("year_to", _("Năm kết thúc phải bằng hoặc sau năm bắt đầu."))]
        return []


class MetricWidget(CellWidget):
    """A result figure: a number ≥ 0, at most two decimals; "1.234" and "1,5" read as people write them.

    The bounds are the column's (``max_digits``, ``decimal_places``): a figure beyond them is the
    cell's error here, not an overflow in the write.
    """

    def __init__(self, field: models.DecimalField) -> None:
        super().__init__()
        self.step = decimal.Decimal(1).scaleb(-field.decimal_places)  # 0.01
        self.limit = decimal.Decimal(10) ** (field.max_digits - field.decimal_places) - self.step

    def parse(self, value: Any) -> decimal.Decimal:
        if isinstance(value, bool):
            raise CellError(_("Phải là một số."))
        if isinstance(value, (int, float)):
            number = decimal.Decimal(str(value))
        else:
            text = cell_text(value).replace(" ", "")
            if text.count(".") > 1 or ("." in text and "," not in text and len(text.split(".")[-1]) == 3):
                text = text.replace(".", "")  # thousands separators
            text = text.replace(",", ".")
            try:
                number = decimal.Decimal(text)
            except decimal.InvalidOperation:
                raise CellError(_("'%(value)s' không phải là số.") % {"value": shown(value)}) from None
        if not number.is_finite() or number < 0:
            raise CellError(_("Phải là một số không âm."))
        # Before quantize: rounding a figure of 29 digits to cents overflows the decimal context.
        if number > self.limit:
            raise CellError(
                _("Phải nhỏ hơn hoặc bằng %(limit)s (đang là %(value)s).")
                % {"limit": self._limit_text(), "value": shown(value)}
            )
        if number != number.quantize(self.step):
            raise CellError(_("Tối đa hai chữ số thập phân."))
        return number.quantize(self.step)

    def _limit_text(self) -> str:
        whole, _dot, cents = str(self.limit).partition(".")
        return f"{whole}{get_format('DECIMAL_SEPARATOR')}{cents}"

    def format(self, value: Any) -> Any:
        if value is None:
            return None
        # Whole figures stay integers in the sheet (sessions, leaflets); others keep their decimals.
        return int(value) if value == value.to_integral_value() else float(value)


METRIC_PREFIX = "metric:"


class CampaignResource(EntityResource):
    label = gettext_noop("Đợt vận động, sự kiện và kết quả")
    natural_key = ("place", "name", "start_date")
    sample = {
        "place": "22615",
        "name": "Ngày hội toàn dân bảo vệ ANTQ năm 2024",
        "kind": "Ngày hội Toàn dân bảo vệ ANTQ (19/8)",
        "start_date": "19/08/2024",
        "end_date": "19/08/2024",
        "organisers": "Công an xã Khánh Bình",
        "participants": 350,
    }

    place = unit_column("place", "Mã địa bàn", gettext_lazy("địa bàn"))
    name = col("name", "Tên đợt vận động, sự kiện")
    kind = col(
        "kind",
        "Loại",
        NaturalKeyWidget(CampaignKind, "name", label=gettext_lazy("loại đợt vận động, sự kiện")),
    )
    plan = col(
        "plan",
        "Số kế hoạch",
        NaturalKeyWidget(Plan, "number", label=gettext_lazy("kế hoạch")),
        required=False,
    )
    start_date = col("start_date", "Từ ngày")
    end_date = col("end_date", "Đến ngày")
    organisers = col("organisers", "Đơn vị tổ chức")
    participants = col("participants", "Số người tham gia")
    description = col("description", "Nội dung")

    class Meta:
        model = Campaign
        fields = (
            "place",
            "name",
            "kind",
            "plan",
            "start_date",
            "end_date",
            "organisers",
            "participants",
            "description",
        )

    def validate_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:
            return [("end_date", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))]
        return []

    def validate_resolved(self, rows: list[Any]) -> list[tuple[int, str, str]]:
        """A campaign under a plan starts within the plan's years (as on the form)."""
        plans = Plan.objects.in_bulk(self.resolved_ids(rows, "plan"))
        return self.row_problems(
            rows,
            "plan",
            lambda row: Campaign.outside_plan(
                row.values.get("start_date"), plans.get(row.resolved.get("plan"))
            ),
        )

    # --- results: one column per metric of the catalogue -----------------------------------------

    @classmethod
    def extra_columns(cls) -> list[Column]:
        widget = MetricWidget(CampaignResult._meta.get_field("value"))
        taken = {name for column in columns_of(cls) for name in column.headers()}
        return [
            # The English name of a metric column is the metric's code (e.g. "guns").
            Column(
                f"{METRIC_PREFIX}{metric.pk}",
                metric.name,
                metric.code,
                widget,
                False,
                None,
                _("Kết quả (%(unit)s); để trống: không có số liệu.") % {"unit": metric.unit},
                False,
            )
            for metric in ResultMetric.objects.filter(is_active=True).order_by("order", "name")
            if fold(metric.name) not in taken  # a campaign's own column keeps its header
        ]

    @staticmethod
    def extra_values(pks: list[int]) -> dict[int, dict[str, Any]]:
        """Current results of these campaigns, by extra column key (one query)."""
        found: dict[int, dict[str, Any]] = {}
        for campaign_id, metric_id, value in CampaignResult.objects.filter(campaign_id__in=pks).values_list(
            "campaign_id", "metric_id", "value"
        ):
            found.setdefault(campaign_id, {})[f"{METRIC_PREFIX}{metric_id}"] = value
        return found

    def after_write(self, rows: list[Any], history: Any, cursor: Any) -> None:
        """Results of the written campaigns: new figures added, changed ones updated, emptied
        cells removed; each with its history row."""
        wanted: dict[tuple[int, int], decimal.Decimal | None] = {}
        for row in rows:
            for key, value in row.extra.items():
                wanted[(row.pk, int(key.removeprefix(METRIC_PREFIX)))] = value
        if not wanted:
            return
        existing = {
            (r.campaign_id, r.metric_id): r
            for r in CampaignResult.objects.filter(campaign_id__in={c for c, _ in wanted})
        }
        created = [
            CampaignResult(campaign_id=c, metric_id=m, value=v)
            for (c, m), v in wanted.items()
            if v is not None and (c, m) not in existing
        ]
        changed = []
        for key, value in wanted.items():
            result = existing.get(key)
            if result is not None and value is not None and result.value != value:
                result.value = value
                changed.append(result)
        removed = [existing[k].pk for k, v in wanted.items() if v is None and k in existing]
        writer = history(CampaignResult)
        if removed:
            if writer is not None:
                writer.deleted(cursor, removed)
            CampaignResult.objects.filter(pk__in=removed)._raw_delete(CampaignResult.objects.db)
        if created:
            created = CampaignResult.objects.bulk_create(created)
            if writer is not None:
                writer.created(cursor, [r.pk for r in created])
        if changed:
            CampaignResult.objects.bulk_update(changed, ["value"])
            if writer is not None:
                writer.changed(cursor, [r.pk for r in changed])


class CommendationResource(EntityResource):
    label = gettext_noop("Khen thưởng")
    natural_key = COMMENDATION_KEY
    sample = {
        "unit": "22615",
        "decision_number": "1234/QĐ-CAT",
        "decision_date": "19/08/2024",
        "year": 2024,
        "form": "Giấy khen của Giám đốc Công an tỉnh",
        "authority": "Giám đốc Công an tỉnh",
        "recipient_kind": "Cá nhân",
        "recipient_name": "Nguyễn Văn A",
        "recipient_position": "Trưởng thôn",
    }

    unit = unit_column("unit", "Mã địa bàn", gettext_lazy("địa bàn"))
    decision_number = col("decision_number", "Số quyết định")
    decision_date = col("decision_date", "Ngày quyết định")
    year = col("year", "Năm")
    form = col(
        "form",
        "Hình thức",
        NaturalKeyWidget(CommendationForm, "name", label=gettext_lazy("hình thức khen thưởng")),
    )
    authority = col("authority", "Cấp quyết định")
    event = col("event", "Sự kiện, phong trào")
    recipient_kind = col("recipient_kind", "Đối tượng")
    organisation = col(
        "organisation",
        "Cơ quan, doanh nghiệp, nhà trường",
        NaturalKeyWidget(
            Organisation, "name", within="unit", label=gettext_lazy("cơ quan, doanh nghiệp, nhà trường")
        ),
        required=False,
    )
    force_unit = col(
        "force_unit",
        "Lực lượng",
        NaturalKeyWidget(ForceUnit, "name", within="unit", label=gettext_lazy("lực lượng")),
        required=False,
    )
    security_model = col(
        "security_model",
        "Mô hình",
        NaturalKeyWidget(SecurityModel, "name", within="unit", label=gettext_lazy("mô hình")),
        required=False,
    )
    recipient_name = col("recipient_name", "Tên tập thể / họ tên cá nhân", required=False)
    recipient_position = col("recipient_position", "Chức vụ")
    reason = col("reason", "Lý do khen thưởng")
    # A revoked commendation stays in the registry, marked: the sheet says so too.
    revoked_at = col("revoked_at", "Ngày thu hồi", LocalDateWidget(), readonly=True)
    revoke_reason = col("revoke_reason", "Lý do thu hồi", TextWidget(), readonly=True)

    class Meta:
        model = Commendation
        fields = (
            "unit",
            "decision_number",
            "decision_date",
            "year",
            "form",
            "authority",
            "event",
            "recipient_kind",
            "organisation",
            "force_unit",
            "security_model",
            "recipient_name",
            "recipient_position",
            "reason",
            "revoked_at",
            "revoke_reason",
        )

    def validate_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        links = [f for f in ("organisation", "force_unit", "security_model") if values.get(f)]
        if len(links) > 1:
            return [(links[1], _("Chỉ ghi một tập thể trong sổ đăng ký."))]
        if values.get("recipient_kind") == RecipientKind.INDIVIDUAL:
            if links:
                return [(links[0], _("Khen thưởng cá nhân không gắn với tập thể trong sổ đăng ký."))]
            if not values.get("recipient_name"):
                return [("recipient_name", _("Ghi họ tên cá nhân được khen thưởng."))]
        elif not links and not values.get("recipient_name"):
            return [
                ("recipient_name", _("Ghi tên tập thể được khen thưởng (hoặc tập thể trong sổ đăng ký)."))
            ]
        return []

    def validate_resolved(self, rows: list[Any]) -> list[tuple[int, str, str]]:
        # A collective of the registry is recorded under its commune (as on the form).
        from registry.models import AdministrativeUnit

        units = set(
            AdministrativeUnit.objects.filter(
                pk__in={r.resolved.get("unit") for r in rows}, level=UnitLevel.COMMUNE
            ).values_list("pk", flat=True)
        )
        message = _("Tập thể trong sổ đăng ký: mã địa bàn phải là mã xã của tập thể.")
        return [
            (r.number, f, message)
            for r in rows
            for f in ("organisation", "force_unit", "security_model")
            if r.values.get(f) and r.resolved.get("unit") not in units
        ]
