"""List tables. Columns only read what the view's queryset already selected: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.models import (
    AdministrativeUnit,
    ForceUnit,
    ModelReview,
    Organisation,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
)

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle table-figures"}


def commune_column(via: str = "commune") -> tables.Column:
    """The commune of the row, reached through ``via`` ("commune", "model__commune")."""

    def link(record: object) -> str:
        return tables.A(via).resolve(record).get_absolute_url()

    return tables.Column(
        verbose_name=_("Xã/phường"), accessor=f"{via}__full_name", linkify=link, order_by=(f"{via}__code",)
    )


def district_column(accessor: str = "commune__parent__name") -> tables.Column:
    return tables.Column(verbose_name=_("Quận/huyện"), accessor=accessor, order_by=(accessor,), default="—")


class RegistryTable(tables.Table):
    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("Không có dòng nào phù hợp.")
        per_page = 25


class ResidentialAreaTable(RegistryTable):
    name = tables.Column(linkify=True, order_by=("name_search",))
    kind = tables.Column(verbose_name=_("Loại"))
    commune = commune_column()
    district = district_column()
    households = tables.Column(verbose_name=_("Số hộ"), attrs={"td": {"class": "text-end"}})
    is_active = tables.BooleanColumn(verbose_name=_("Đang tồn tại"))

    class Meta(RegistryTable.Meta):
        model = ResidentialArea
        fields = ("name", "kind", "commune", "district", "households", "population", "is_active")


class OrganisationTable(RegistryTable):
    name = tables.Column(linkify=True, order_by=("name_search",))
    org_type = tables.Column(verbose_name=_("Loại"))
    subject = tables.BooleanColumn(
        verbose_name=_("Diện công nhận"),
        accessor="org_type__subject_to_certification",
        order_by=("org_type__subject_to_certification",),
    )
    commune = commune_column()
    district = district_column()

    class Meta(RegistryTable.Meta):
        model = Organisation
        fields = ("name", "org_type", "subject", "commune", "district", "staff_count", "is_active")


class SteeringCommitteeTable(RegistryTable):
    decision_number = tables.Column(linkify=True)
    commune = commune_column()
    district = district_column()

    class Meta(RegistryTable.Meta):
        model = SteeringCommittee
        fields = (
            "commune",
            "district",
            "decision_number",
            "decision_date",
            "head_name",
            "member_count",
            "is_active",
        )


class HostColumn(tables.Column):
    """Where the unit or model sits: an area or organisation of the commune, or the commune itself."""

    def __init__(self) -> None:
        super().__init__(verbose_name=_("Nơi"), accessor="pk", orderable=False)

    def render(self, record: ForceUnit | SecurityModel) -> str:
        host = record.area or record.organisation
        return host.name if host else gettext("Cấp xã")


class ForceUnitTable(RegistryTable):
    name = tables.Column(linkify=True, order_by=("name_search",))
    force_type = tables.Column(verbose_name=_("Loại lực lượng"))
    host = HostColumn()
    commune = commune_column()
    district = district_column()
    member_count = tables.Column(verbose_name=_("Số thành viên"), attrs={"td": {"class": "text-end"}})

    class Meta(RegistryTable.Meta):
        model = ForceUnit
        fields = ("name", "force_type", "host", "commune", "district", "member_count", "status")


class SecurityModelTable(RegistryTable):
    name = tables.Column(linkify=True, order_by=("name_search",))
    model_type = tables.Column(verbose_name=_("Loại mô hình"))
    host = HostColumn()
    commune = commune_column()
    district = district_column()
    latest_effectiveness = tables.Column(verbose_name=_("Hiệu quả (lần đánh giá gần nhất)"), default="—")

    class Meta(RegistryTable.Meta):
        model = SecurityModel
        fields = (
            "name",
            "model_type",
            "host",
            "commune",
            "district",
            "started_on",
            "participants",
            "status",
            "latest_effectiveness",
        )


class ModelReviewTable(RegistryTable):
    model = tables.Column(linkify=True, accessor="model", order_by=("model__name_search",))
    commune = commune_column("model__commune")

    class Meta(RegistryTable.Meta):
        model = ModelReview
        fields = ("reviewed_on", "kind", "effectiveness", "model", "commune", "notes")


class AdministrativeUnitTable(RegistryTable):
    code = tables.Column(linkify=True)
    full_name = tables.Column(linkify=True, order_by=("name_search",))
    parent = tables.Column(verbose_name=_("Đơn vị cấp trên"), accessor="parent__full_name", default="—")

    class Meta(RegistryTable.Meta):
        model = AdministrativeUnit
        fields = ("code", "full_name", "kind", "level", "parent", "valid_from", "valid_to")
