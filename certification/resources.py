"""Import/export of "An toàn về ANTT" certification records: registration lists.

An import registers subjects (state "Đã đăng ký"), as the registration page does, with the same
eligibility rules. It never moves a record through the workflow: submitting, approving,
rejecting and revoking stay on the record's page, where each step has a responsible person and
a reason. Decided records therefore export with their state, decision number and date, and
re-import unchanged, but a file cannot create or change them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from certification.models import (
    ORGANISATION_KINDS,
    CertificationRecord,
    State,
    SubjectKind,
    assessment_period,
)
from certification.services import FIRST_YEAR, eligible_areas, eligible_communes, eligible_organisations
from dataio.resources import EntityResource, col
from dataio.widgets import LocalDateWidget, NaturalKeyWidget, UnitCodeWidget
from registry.models import Organisation, ResidentialArea, UnitLevel

STATE_RULE = gettext_lazy(
    "Chỉ nhập được hồ sơ ở trạng thái “Đã đăng ký” (danh sách đăng ký). Nộp, phê duyệt, trả lại, "
    "thu hồi làm trên trang hồ sơ để mỗi bước có người chịu trách nhiệm."
)


class CertificationRecordResource(EntityResource):
    label = gettext_noop("Đăng ký công nhận An toàn về ANTT")
    natural_key = ("year", "commune", "area", "organisation")
    sample = {
        "year": 2025,
        "commune": "22615",
        "subject_kind": "Khu dân cư",
        "area": "Thôn Ba Cẩm",
        "state": "Đã đăng ký",
        "registered_on": "15/02/2025",
    }

    year = col("year", "Năm")
    commune = col(
        "commune", "Mã xã", UnitCodeWidget(level=UnitLevel.COMMUNE, label=gettext_lazy("xã/phường"))
    )
    subject_kind = col("subject_kind", "Đối tượng", required=True)
    area = col(
        "area",
        "Khu dân cư",
        NaturalKeyWidget(ResidentialArea, "name", within="commune", label=gettext_lazy("khu dân cư")),
        required=False,
    )
    organisation = col(
        "organisation",
        "Cơ quan, doanh nghiệp, nhà trường",
        NaturalKeyWidget(
            Organisation, "name", within="commune", label=gettext_lazy("cơ quan, doanh nghiệp, nhà trường")
        ),
        required=False,
    )
    state = col(
        "state",
        "Trạng thái",
        help_text=gettext_lazy("Để trống hoặc 'Đã đăng ký' (chỉ nhập danh sách đăng ký)."),
    )
    registered_on = col(
        "registered_on", "Ngày đăng ký", required=False, help_text=gettext_lazy("Để trống: hôm nay.")
    )
    decision_number = col(
        "decision_number", "Số quyết định công nhận", help_text=gettext_lazy("Chỉ xuất; để trống khi nhập.")
    )
    decided_at = col("decided_at", "Ngày quyết định", LocalDateWidget(), readonly=True)
    reason = col(
        "reason", "Lý do (trả lại / thu hồi)", help_text=gettext_lazy("Chỉ xuất; để trống khi nhập.")
    )

    class Meta:
        model = CertificationRecord
        fields = (
            "year",
            "commune",
            "subject_kind",
            "area",
            "organisation",
            "state",
            "registered_on",
            "decision_number",
            "decided_at",
            "reason",
        )

    def validate_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        year, kind = values.get("year"), values.get("subject_kind")
        last_year = timezone.localdate().year + 1
        if year is not None and not FIRST_YEAR <= year <= last_year:
            problems.append(
                (
                    "year",
                    _("Năm %(year)s không hợp lệ (từ %(first)s đến %(last)s).")
                    % {"year": year, "first": FIRST_YEAR, "last": last_year},
                )
            )
        area, organisation = values.get("area"), values.get("organisation")
        if area and organisation:
            problems.append(
                (
                    "organisation",
                    _("Chỉ ghi một đối tượng: khu dân cư hoặc cơ quan, doanh nghiệp, nhà trường."),
                )
            )
        elif kind == SubjectKind.RESIDENTIAL_AREA and not area:
            problems.append(("area", _("Đối tượng là khu dân cư: ghi tên khu dân cư.")))
        elif kind in ORGANISATION_KINDS and not organisation:
            problems.append(("organisation", _("Ghi tên cơ quan, doanh nghiệp, nhà trường.")))
        elif kind == SubjectKind.COMMUNE and (area or organisation):
            problems.append(("subject_kind", _("Hồ sơ của xã không ghi khu dân cư hay cơ quan.")))
        elif kind and kind != SubjectKind.RESIDENTIAL_AREA and area:
            problems.append(("subject_kind", _("Đã ghi khu dân cư: đối tượng phải là 'Khu dân cư'.")))
        return problems

    def validate_resolved(self, rows: list[Any]) -> list[tuple[int, str, str]]:
        """New registrations follow the registration page's rules (eligibility, state)."""
        problems = []
        area_ids = {r.resolved.get("area") for r in rows} - {None}
        org_ids = {r.resolved.get("organisation") for r in rows} - {None}
        areas = set(eligible_areas().filter(pk__in=area_ids).values_list("pk", flat=True))
        organisations = dict(
            eligible_organisations().filter(pk__in=org_ids).values_list("pk", "org_type__category")
        )
        communes: dict[int, set[int]] = {}
        for year in {r.values.get("year") for r in rows}:
            communes[year] = set(
                eligible_communes(year)
                .filter(pk__in={r.resolved.get("commune") for r in rows} - {None})
                .values_list("pk", flat=True)
            )
        for row in rows:
            values, resolved = row.values, row.resolved
            area, organisation = resolved.get("area"), resolved.get("organisation")
            if area is not None and area not in areas:
                problems.append(
                    (row.number, "area", _("Khu dân cư này không còn tồn tại, không đăng ký được."))
                )
            if organisation is not None:
                category = organisations.get(organisation)
                if category is None:
                    problems.append(
                        (
                            row.number,
                            "organisation",
                            _(
                                "Cơ sở này không còn hoạt động hoặc không thuộc diện công nhận "
                                "An toàn về ANTT."
                            ),
                        )
                    )
                elif values.get("subject_kind") != category:
                    label = SubjectKind(category).label
                    problems.append(
                        (
                            row.number,
                            "subject_kind",
                            _("Cơ sở này thuộc nhóm '%(group)s'.") % {"group": label},
                        )
                    )
            if (
                area is None
                and organisation is None
                and resolved.get("commune") not in communes[values["year"]]
            ):
                problems.append(
                    (
                        row.number,
                        "commune",
                        _("Xã không còn hiệu lực trong kỳ đánh giá năm %(year)s.") % {"year": values["year"]},
                    )
                )
        return problems

    def check_update(self, current: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
        if current["state"] != State.REGISTERED:
            return [
                (
                    "state",
                    _("Hồ sơ đã ở trạng thái “%(state)s”, không sửa bằng tệp.")
                    % {"state": State(current["state"]).label},
                )
            ]
        if new.get("state", current["state"]) != current["state"]:
            return [("state", str(STATE_RULE))]
        for key, message in (
            ("decision_number", _("Hồ sơ đang đăng ký chưa có số quyết định: để trống ô này.")),
            ("reason", _("Hồ sơ đang đăng ký chưa có lý do: để trống ô này.")),
        ):
            if new.get(key):
                return [(key, message)]
        if "registered_on" in new and new["registered_on"] is None:
            return [("registered_on", _("Không xóa ngày đăng ký của hồ sơ đã có."))]
        return []

    def before_insert(self, rows: list[dict[str, Any]]) -> None:
        today = timezone.localdate()
        for row in rows:
            # check_insert has refused any other state, decision or reason.
            row["state"] = State.REGISTERED
            row["registered_on"] = row.get("registered_on") or today
            row["period_start"], row["period_end"] = assessment_period(row["subject_kind"], row["year"])

    def check_insert(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        if values.get("state") not in (None, State.REGISTERED):
            problems.append(("state", str(STATE_RULE)))
        for key in ("decision_number", "reason"):
            if values.get(key):
                problems.append(
                    (key, _("Hồ sơ mới chỉ là đăng ký: để trống ô này (%(rule)s)") % {"rule": STATE_RULE})
                )
        return problems

    def after_write(self, rows: list[Any], history: Any, cursor: Any) -> None:
        """Each new registration gets its first workflow step, as on the registration page."""
        from certification.models import Transition

        if self.user is None or self.user.pk is None:
            return  # the history row says who; a step needs a person
        new = [r.pk for r in rows if r.existing is None]
        Transition.objects.bulk_create(
            Transition(
                record_id=pk,
                from_state="",
                to_state=State.REGISTERED,
                by=self.user,
                reason="Đăng ký (nhập từ tệp)",
            )
            for pk in new
        )
