"""Dashboard figures against a small hand-counted province, and every figure against its list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from certification.models import CertificationRecord, State, SubjectKind
from dashboard import services
from dashboard.services import (
    NO_CLASS,
    ORGANISATIONS,
    Scope,
    child_figures,
    figure_rows,
    figure_value,
    unit_figures,
)
from movement.models import (
    Campaign,
    CampaignKind,
    CampaignResult,
    Commendation,
    CommendationForm,
    ResultMetric,
)
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
    Status,
    SteeringCommittee,
    UnitLevel,
)
from tests.conftest import make_unit

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = 2025


@dataclass
class World:
    """Catalogue rows of the hand-counted sample, for keys in assertions."""

    t1: ForceType
    t2: ForceType
    camera: ModelType
    lien_gia: ModelType
    good: EffectivenessClass
    average: EffectivenessClass
    weak: EffectivenessClass
    sessions: ResultMetric
    leaflets: ResultMetric
    flag: CommendationForm
    certificate: CommendationForm
    outside_commune: AdministrativeUnit


def record(commune, year: int, state: str, area=None, organisation=None) -> CertificationRecord:
    if area is not None:
        kind = SubjectKind.RESIDENTIAL_AREA
    elif organisation is not None:
        kind = organisation.org_type.category
    else:
        kind = SubjectKind.COMMUNE
    return CertificationRecord.objects.create(
        commune=commune,
        area=area,
        organisation=organisation,
        subject_kind=kind,
        year=year,
        period_start=D(year - 1, 11, 16),
        period_end=D(year, 11, 15),
        registered_on=D(year, 2, 1),
        state=state,
    )


def build_world(tree) -> World:
    """Province 56: districts 573 (communes 22615, 22621) and 574 (commune 22651); counts in comments."""
    c1, c2, c3 = tree.commune, tree.sibling_commune, tree.other_commune
    outside = make_unit("22801", "Ngoài tỉnh", UnitLevel.COMMUNE, tree.other_province)

    thon = AreaKind.objects.create(name="Thôn")
    areas = {
        "a1": ResidentialArea.objects.create(commune=c1, name="Thôn 1", kind=thon),
        "a2": ResidentialArea.objects.create(commune=c1, name="Thôn 2", kind=thon),
        "a3": ResidentialArea.objects.create(commune=c1, name="Thôn 3", kind=thon),
        "b1": ResidentialArea.objects.create(commune=c2, name="Thôn B1", kind=thon),
        "b2": ResidentialArea.objects.create(commune=c2, name="Thôn B2", kind=thon),
        "c1": ResidentialArea.objects.create(commune=c3, name="Thôn C1", kind=thon),
        "x1": ResidentialArea.objects.create(commune=outside, name="Thôn X1", kind=thon),
    }
    ResidentialArea.objects.create(commune=c1, name="Thôn cũ", kind=thon, is_active=False)
    # 6 active areas in the province, 5 in district 573.

    agency = OrganisationType.objects.create(name="Cơ quan hành chính", category="agency")
    enterprise = OrganisationType.objects.create(name="Doanh nghiệp vừa", category="enterprise")
    micro = OrganisationType.objects.create(
        name="Doanh nghiệp siêu nhỏ", category="enterprise", subject_to_certification=False
    )
    school = OrganisationType.objects.create(name="Trường THCS", category="school")
    a1 = Organisation.objects.create(commune=c1, name="UBND xã", org_type=agency)
    e1 = Organisation.objects.create(commune=c1, name="Công ty A", org_type=enterprise)
    Organisation.objects.create(commune=c1, name="Cửa hàng nhỏ", org_type=micro)
    s1 = Organisation.objects.create(commune=c2, name="Trường THCS B", org_type=school)
    a2 = Organisation.objects.create(commune=c3, name="UBND xã C", org_type=agency)
    Organisation.objects.create(commune=c3, name="Công ty đã nghỉ", org_type=enterprise, is_active=False)
    # eligible: agency 2, enterprise 1, school 1.

    for commune, number, day, active in [
        (c1, "01/QĐ", D(2024, 3, 1), True),
        (c2, "02/QĐ", D(2025, 2, 1), True),
        (c3, "03/QĐ", D(2020, 1, 1), False),
    ]:
        SteeringCommittee.objects.create(
            commune=commune,
            decision_number=number,
            decision_date=day,
            head_name="Chủ tịch",
            member_count=7,
            is_active=active,
        )
    # committees: 2025 → 2/3, 2024 → 1/3.

    t1 = ForceType.objects.create(name="Tổ bảo vệ ANTT", order=1)
    t2 = ForceType.objects.create(name="Bảo vệ cơ quan, doanh nghiệp", order=2)
    ForceUnit.objects.create(
        commune=c1, name="Tổ 1", force_type=t1, member_count=10, established_on=D(2024, 7, 1)
    )
    ForceUnit.objects.create(
        commune=c1, name="Tổ 2", force_type=t1, member_count=5, established_on=D(2025, 3, 1)
    )
    ForceUnit.objects.create(commune=c2, name="Bảo vệ trường", force_type=t2, member_count=7, organisation=s1)
    ForceUnit.objects.create(commune=c3, name="Tổ cũ", force_type=t1, member_count=4, status=Status.DISSOLVED)
    # 2025: t1 2 units/15 members, t2 1/7. 2024: t1 1/10, t2 1/7.

    camera = ModelType.objects.create(name="Camera an ninh", order=1)
    lien_gia = ModelType.objects.create(name="Liên gia tự quản", order=2)
    good = EffectivenessClass.objects.create(name="Tốt", rank=1)
    average = EffectivenessClass.objects.create(name="Khá", rank=2)
    weak = EffectivenessClass.objects.create(name="Yếu", rank=3)
    m1 = SecurityModel.objects.create(
        commune=c1, name="Camera thôn 1", model_type=camera, started_on=D(2023, 1, 1)
    )
    SecurityModel.objects.create(commune=c1, name="Liên gia 1", model_type=lien_gia, started_on=D(2025, 5, 1))
    m3 = SecurityModel.objects.create(commune=c2, name="Camera B", model_type=camera)
    SecurityModel.objects.create(commune=c3, name="Camera C", model_type=camera, status=Status.SUSPENDED)
    ModelReview.objects.create(model=m1, reviewed_on=D(2024, 6, 1), kind="interim", effectiveness=average)
    ModelReview.objects.create(model=m1, reviewed_on=D(2025, 6, 1), kind="final", effectiveness=good)
    ModelReview.objects.create(model=m3, reviewed_on=D(2025, 11, 1), kind="final", effectiveness=weak)
    # 2025: camera 2, liên gia 1; classes good 1, weak 1, none 1. 2024: camera 2; average 1, none 1.

    for key in ("a1", "a2", "b1", "b2"):
        record(areas[key].commune, 2025, State.APPROVED, area=areas[key])
    record(c1, 2025, State.SUBMITTED, area=areas["a3"])
    record(c3, 2025, State.REJECTED, area=areas["c1"])
    record(outside, 2025, State.APPROVED, area=areas["x1"])
    record(c1, 2025, State.APPROVED)
    record(c2, 2025, State.APPROVED)
    record(c3, 2025, State.REJECTED)
    for org in (a1, e1, s1):
        record(org.commune, 2025, State.APPROVED, organisation=org)
    record(c3, 2025, State.SUBMITTED, organisation=a2)
    for key in ("a1", "b1", "b2"):
        record(areas[key].commune, 2024, State.APPROVED, area=areas[key])
    record(c1, 2024, State.APPROVED)
    record(c1, 2024, State.APPROVED, organisation=a1)
    record(c1, 2023, State.REVOKED, area=areas["a2"])
    # 2025: areas 4/6, communes 2/3, agency 1/2, enterprise 1/1, school 1/1.
    # 2024: areas 3/6, communes 1/3, agency 1/2, enterprise 0/1, school 0/1.

    kind = CampaignKind.objects.get_or_create(name="Ra mắt mô hình")[0]
    # get_or_create: the movement migration seeds the real catalogues.
    sessions = ResultMetric.objects.get_or_create(
        name="Buổi tuyên truyền", defaults={"code": "buoi", "unit": "buổi"}
    )[0]
    leaflets = ResultMetric.objects.get_or_create(name="Tờ rơi", defaults={"code": "to-roi", "unit": "tờ"})[0]
    for place, start, end, values in [
        (c1, D(2025, 8, 19), D(2025, 8, 19), {sessions: 3, leaflets: 100}),
        (tree.province, D(2025, 3, 1), D(2025, 3, 31), {sessions: 2}),
        (c3, D(2024, 5, 1), D(2024, 5, 2), {sessions: 5}),
        (c2, D(2024, 12, 20), D(2025, 1, 10), {leaflets: 40}),
        (outside, D(2025, 8, 19), D(2025, 8, 19), {sessions: 9}),
    ]:
        campaign = Campaign.objects.create(
            kind=kind, name=f"Đợt {place.code} {start}", start_date=start, end_date=end, place=place
        )
        for metric, value in values.items():
            CampaignResult.objects.create(campaign=campaign, metric=metric, value=Decimal(value))
    # 2025: sessions 5, leaflets 100. 2024: sessions 5, leaflets 40.

    flag = CommendationForm.objects.get_or_create(name="Cờ thi đua của Bộ Công an", defaults={"level": 1})[0]
    certificate = CommendationForm.objects.get_or_create(
        name="Giấy khen Giám đốc Công an tỉnh", defaults={"level": 4}
    )[0]
    for number, (form, unit, year, revoked) in enumerate(
        [
            (flag, tree.province, 2025, False),
            (certificate, c1, 2025, False),
            (certificate, c1, 2025, True),
            (certificate, c3, 2025, False),
            (certificate, c2, 2024, False),
            (certificate, outside, 2025, False),
        ]
    ):
        Commendation.objects.create(
            form=form,
            authority="Công an tỉnh",
            decision_number=f"{number}/{year}",
            decision_date=D(year, 8, 19),
            year=year,
            recipient_kind="collective",
            unit=unit,
            recipient_name="Tập thể",
            revoked_at=datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC) if revoked else None,
        )
    # 2025: flag 1, certificate 2. 2024: certificate 1.
    return World(
        t1, t2, camera, lien_gia, good, average, weak, sessions, leaflets, flag, certificate, outside
    )


@pytest.fixture
def world(tree, users) -> World:
    return build_world(tree)


def pairs(figures) -> dict:
    return {f.label: (f.value, f.previous) for f in figures}


def test_province_figures_match_the_hand_count(tree, users, world):
    f = unit_figures(Scope(users.leadership, tree.province), YEAR)
    assert (f.committees.value, f.communes.value) == (2, 3)
    assert (f.committees.previous, f.communes.previous) == (1, 3)
    assert f.committees.change == 1
    assert (f.committee_rate, f.committee_change) == (66.7, 33.4)  # 2/3 against 1/3, in points
    forces = {
        p.label: (p.units.value, p.units.previous, p.members.value, p.members.previous) for p in f.forces
    }
    assert forces == {world.t1.name: (2, 1, 15, 10), world.t2.name: (1, 1, 7, 7)}
    assert (f.forces_total.units.value, f.forces_total.members.value) == (3, 22)
    assert pairs(f.models_by_type) == {"Camera an ninh": (2, 2), "Liên gia tự quản": (1, 0)}
    assert (f.models_total.value, f.models_total.previous) == (3, 2)
    assert pairs(f.models_by_class) == {"Tốt": (1, 0), "Khá": (0, 1), "Yếu": (1, 0), "Chưa đánh giá": (1, 1)}
    rates = {
        r.kind: (r.certified.value, r.eligible.value, r.certified.previous, r.eligible.previous)
        for r in f.certification
    }
    assert rates == {
        "residential_area": (4, 6, 3, 6),
        "commune": (2, 3, 1, 3),
        "agency": (1, 2, 1, 2),
        "enterprise": (1, 1, 0, 1),
        "school": (1, 1, 0, 1),
        ORGANISATIONS: (3, 4, 1, 4),
    }
    area_rate = next(r for r in f.certification if r.kind == "residential_area")
    assert (area_rate.rate, area_rate.previous_rate, area_rate.change) == (66.7, 50.0, 16.7)
    assert pairs(f.results) == {"Buổi tuyên truyền": (5, 5), "Tờ rơi": (100, 40)}
    assert pairs(f.commendations) == {world.flag.name: (1, 0), world.certificate.name: (2, 1)}
    assert (f.commendations_total.value, f.commendations_total.previous) == (3, 1)
    assert f.trend_years == [2021, 2022, 2023, 2024, 2025]
    # 2021 to 2023 kept no dossier at all: gaps, not 0 %.
    assert f.trend["residential_area"] == [None, None, None, 50.0, 66.7]


def test_district_figures_cover_only_the_district(tree, users, world):
    f = unit_figures(Scope(users.reviewer, tree.district), YEAR)
    assert (f.committees.value, f.communes.value) == (2, 2)
    rates = {r.kind: (r.certified.value, r.eligible.value) for r in f.certification}
    assert rates["residential_area"] == (4, 5)
    assert rates[ORGANISATIONS] == (3, 3)
    assert pairs(f.results) == {"Buổi tuyên truyền": (3, 0), "Tờ rơi": (100, 40)}
    assert f.commendations_total.value == 1


def test_child_table_of_the_province_flags_the_weakest_district(tree, users, world):
    rows = {row.unit.code: row for row in child_figures(Scope(users.leadership, tree.province), YEAR)}
    assert set(rows) == {"573", "574"}
    first, second = rows["573"], rows["574"]
    assert (first.committees, first.communes, second.committees, second.communes) == (2, 2, 0, 1)
    assert (first.force_units, first.force_members, second.force_units) == (3, 22, 0)
    assert (first.models, second.models) == (3, 0)
    assert (first.commendations, second.commendations) == (1, 1)
    assert (first.approved_residential_area, first.eligible_residential_area) == (4, 5)
    assert (second.approved_residential_area, second.eligible_residential_area) == (0, 1)
    assert (first.approved_organisation, first.eligible_organisation) == (3, 3)
    assert (second.approved_commune, second.eligible_commune) == (0, 1)
    assert second.weakest and not first.weakest


def test_every_number_of_the_child_table_equals_the_count_of_its_list(tree, users, world):
    from dashboard.views import CHILD_LINKS

    for scope in (Scope(users.leadership, tree.province), Scope(users.admin, None)):
        for year in (YEAR, YEAR - 1):
            rows = child_figures(scope, year)
            assert rows
            for row in rows:
                child = Scope(scope.user, row.unit)
                for name, (code, key) in CHILD_LINKS.items():
                    listing = figure_rows(code, child, year, key)
                    assert figure_value(listing) == row.values[name], (row.unit.code, year, name)


def test_every_figure_equals_the_count_of_its_list(tree, users, world):
    for user, unit in [
        (users.leadership, tree.province),
        (users.reviewer, tree.district),
        (users.admin, None),
    ]:
        scope = Scope(user, unit)
        for year in (YEAR, YEAR - 1):
            figures = unit_figures(scope, year)
            codes = set()
            for figure in figures.all_figures():
                listing = figure_rows(figure.code, scope, year, figure.key)
                assert figure_value(listing) == figure.value, (unit, year, figure.code, figure.key)
                codes.add(figure.code)
                if figure.previous or figure.value:
                    previous = figure_rows(figure.code, scope, year - 1, figure.key)
                    assert figure_value(previous) == figure.previous, (unit, year, figure.code, figure.key)
            assert codes == {
                "committees",
                "communes",
                "force_units",
                "force_members",
                "models",
                "models_class",
                "cert_approved",
                "cert_eligible",
                "campaign_results",
                "commendations",
            }


def test_one_pass_and_probed_model_tallies_agree_same_day_reviews_included(tree, users, world):
    # Two reviews on one day: the later one (highest id) decides, in both query shapes.
    camera_b = SecurityModel.objects.get(name="Camera B")
    ModelReview.objects.create(
        model=camera_b, reviewed_on=D(2025, 11, 1), kind="interim", effectiveness=world.good
    )
    years = [YEAR, YEAR - 1]
    for user, unit in [
        (users.leadership, tree.province),
        (users.reviewer, tree.district),
        (users.admin, None),
    ]:
        scope = Scope(user, unit)
        one_pass = services._models_by_class(scope, YEAR, years)
        probed = services._models_by_class_probed(scope, YEAR, years)
        for tally in ("by_class", "by_type"):
            expected = {y: dict(c) for y, c in getattr(one_pass, tally).items()}
            assert {y: dict(c) for y, c in getattr(probed, tally).items()} == expected, (unit, tally)
    latest = services.model_counts(Scope(users.admin, None), YEAR, years).by_class
    assert latest[YEAR][str(world.good.pk)] == 2
    assert latest[YEAR].get(str(world.weak.pk), 0) == 0


def test_unrated_models_list_holds_models_without_review(tree, users, world):
    listing = figure_rows("models_class", Scope(users.leadership, tree.province), YEAR, NO_CLASS)
    assert [m.name for m in listing.rows] == ["Liên gia 1"]


def test_country_scope_counts_every_province(tree, users, world):
    f = unit_figures(Scope(users.admin, None), YEAR)
    area = next(r for r in f.certification if r.kind == "residential_area")
    assert (area.certified.value, area.eligible.value) == (5, 7)
    children = {row.unit.code for row in child_figures(Scope(users.admin, None), YEAR)}
    assert children == {"56", "58"}


def test_two_level_shape_lists_communes_of_the_province_as_children(tree, users, world):
    # The 2025 reform: districts close on 30 June, a new commune hangs from the province itself.
    AdministrativeUnit.objects.filter(level=UnitLevel.DISTRICT).update(valid_to=D(2025, 6, 30))
    AdministrativeUnit.objects.filter(parent__level=UnitLevel.DISTRICT).update(valid_to=D(2025, 6, 30))
    merged = AdministrativeUnit(
        code="22615",
        name="Khánh Bình",
        full_name="Xã Khánh Bình",
        kind="Xã",
        level=UnitLevel.COMMUNE,
        parent=tree.province,
        valid_from=D(2025, 7, 1),
    )
    merged.save()
    scope = Scope(users.leadership, tree.province)
    assert [c.pk for c in scope.children(2025)] == [merged.pk]
    assert {c.code for c in scope.children(2024)} == {"573", "574"}
    assert unit_figures(scope, 2025).communes.value == 1
    assert unit_figures(scope, 2025).communes.previous == 3


def test_child_table_links_are_the_figure_list_urls(tree, users):
    from dashboard.links import child_list_urls, figure_list_url
    from dashboard.views import CHILD_LINKS

    children = [tree.district, tree.other_district]
    links = child_list_urls(children, YEAR, CHILD_LINKS)
    for unit in children:
        for name, (code, key) in CHILD_LINKS.items():
            assert links[unit.pk][name] == figure_list_url(code, Scope(users.admin, unit), YEAR, key)


def test_a_past_year_without_dossiers_is_a_gap_even_when_it_is_the_year_shown(tree, users, world):
    f = unit_figures(Scope(users.admin, tree.province), 2021)
    assert f.trend_years == [2017, 2018, 2019, 2020, 2021]
    assert f.trend["residential_area"] == [None] * 5
