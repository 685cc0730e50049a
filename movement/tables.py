"""List tables: sortable columns over querysets that already hold every related row they show."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html

from movement.models import Campaign, Commendation, Plan

DATE = "d/m/Y"


class PlanTable(tables.Table):
    issued_on = tables.DateColumn(DATE, verbose_name="Ngày ban hành")
    number = tables.Column(linkify=True, verbose_name="Số, ký hiệu")
    issuing_unit = tables.Column(verbose_name="Đơn vị ban hành", order_by=("issuing_unit__path",))
    years = tables.Column(verbose_name="Thời kỳ", accessor="year_from", order_by=("year_from", "year_to"))
    target_count = tables.Column(verbose_name="Số chỉ tiêu", orderable=True)

    class Meta:
        model = Plan
        fields = ["number", "title", "issuing_unit", "issued_on", "years", "status", "target_count"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "Chưa có kế hoạch nào."

    def render_years(self, record: Plan) -> str:
        if record.year_from == record.year_to:
            return str(record.year_from)
        return f"{record.year_from}-{record.year_to}"


class CampaignTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="Tên đợt vận động, sự kiện")
    place = tables.Column(verbose_name="Địa bàn", order_by=("place__path",))
    plan = tables.Column(verbose_name="Theo kế hoạch", accessor="plan__number")
    start_date = tables.DateColumn(DATE, verbose_name="Từ ngày")
    end_date = tables.DateColumn(DATE, verbose_name="Đến ngày")

    class Meta:
        model = Campaign
        fields = ["name", "kind", "place", "start_date", "end_date", "plan", "participants"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "Chưa có đợt vận động, sự kiện nào."


class CommendationTable(tables.Table):
    decision_number = tables.Column(linkify=True, verbose_name="Số quyết định")
    decision_date = tables.DateColumn(DATE, verbose_name="Ngày quyết định")
    recipient = tables.Column(
        verbose_name="Tập thể, cá nhân", accessor="recipient_name", orderable=False, empty_values=()
    )
    unit = tables.Column(verbose_name="Địa bàn", order_by=("unit__path",))
    state = tables.Column(
        verbose_name="Hiệu lực", accessor="revoked_at", order_by=("revoked_at",), empty_values=()
    )

    class Meta:
        model = Commendation
        fields = ["decision_number", "decision_date", "form", "recipient", "recipient_kind", "year", "unit"]
        fields += ["state"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "Chưa có khen thưởng nào."

    def render_recipient(self, record: Commendation) -> Any:
        return record.recipient

    def render_state(self, record: Commendation) -> Any:
        if record.is_revoked:
            return format_html('<span class="badge text-bg-danger">Đã thu hồi</span>')
        return "Còn hiệu lực"

    def value_state(self, record: Commendation) -> str:
        return "Đã thu hồi" if record.is_revoked else "Còn hiệu lực"
