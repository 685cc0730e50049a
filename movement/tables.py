"""List tables: sortable columns over querysets that already hold every related row they show."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from movement.models import Campaign, Commendation, Plan
from registry.columns import DateColumn


class PlanTable(tables.Table):
    issued_on = DateColumn(verbose_name=_("Ngày ban hành"))
    number = tables.Column(linkify=True, verbose_name=_("Số, ký hiệu"))
    issuing_unit = tables.Column(verbose_name=_("Đơn vị ban hành"), order_by=("issuing_unit__path",))
    years = tables.Column(verbose_name=_("Thời kỳ"), accessor="year_from", order_by=("year_from", "year_to"))
    target_count = tables.Column(verbose_name=_("Số chỉ tiêu"), orderable=True)

    class Meta:
        model = Plan
        fields = ["number", "title", "issuing_unit", "issued_on", "years", "status", "target_count"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Chưa có kế hoạch nào.")

    def render_status(self, value: str) -> str:
        return gettext(value)

    def render_years(self, record: Plan) -> str:
        if record.year_from == record.year_to:
            return str(record.year_from)
        return f"{record.year_from}-{record.year_to}"


class CampaignTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Tên đợt vận động, sự kiện"))
    place = tables.Column(verbose_name=_("Địa bàn"), order_by=("place__path",))
    plan = tables.Column(verbose_name=_("Theo kế hoạch"), accessor="plan__number")
    start_date = DateColumn(verbose_name=_("Từ ngày"))
    end_date = DateColumn(verbose_name=_("Đến ngày"))

    class Meta:
        model = Campaign
        fields = ["name", "kind", "place", "start_date", "end_date", "plan", "participants"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Chưa có đợt vận động, sự kiện nào.")


class CommendationTable(tables.Table):
    decision_number = tables.Column(linkify=True, verbose_name=_("Số quyết định"))
    decision_date = DateColumn(verbose_name=_("Ngày quyết định"))
    recipient = tables.Column(
        verbose_name=_("Tập thể, cá nhân"), accessor="recipient_name", orderable=False, empty_values=()
    )
    unit = tables.Column(verbose_name=_("Địa bàn"), order_by=("unit__path",))
    state = tables.Column(
        verbose_name=_("Hiệu lực"), accessor="revoked_at", order_by=("revoked_at",), empty_values=()
    )

    class Meta:
        model = Commendation
        fields = ["decision_number", "decision_date", "form", "recipient", "recipient_kind", "year", "unit"]
        fields += ["state"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Chưa có khen thưởng nào.")

    def render_recipient_kind(self, value: str) -> str:
        return gettext(value)

    def render_recipient(self, record: Commendation) -> Any:
        return record.recipient

    def render_state(self, record: Commendation) -> Any:
        if record.is_revoked:
            return format_html('<span class="badge text-bg-danger">{}</span>', gettext("Đã thu hồi"))
        return gettext("Còn hiệu lực")

    def value_state(self, record: Commendation) -> str:
        return gettext("Đã thu hồi") if record.is_revoked else gettext("Còn hiệu lực")
