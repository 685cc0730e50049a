"""Hostile input never breaks a form: a clear Vietnamese message or a clean save, never a 500.

Property-based (hypothesis): every user-facing form in ``FORMS`` (registry, certification,
movement, import, audit and list filters, login) gets random and hostile values (very long
strings, control characters, HTML and script, SQL-looking text, negative and huge numbers,
impossible dates, Vietnamese in NFC and NFD, odd uploads). A valid form is then submitted the way
its view does it (save, service call, filtered query); the only exceptions allowed are those the
view turns into a message. What it saves must render escaped, in a template and on the object's
own page.

To add a form, append a :class:`FormCase` to ``FORMS``: a name, a function that builds the form
(or formset) bound to the generated ``data`` (``None`` for an unbound one) for a user of the
fixture, and what the view does with it once valid (a model form is saved by default)::

    FormCase("registry.AreaForm", lambda data, w: AreaForm(data=data, user=w.users.commune_staff)),
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import models, transaction
from django.forms import modelform_factory
from django.forms.models import InlineForeignKeyField
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.forms import LoginForm
from audit.forms import ChangeFilterForm
from audit.services import change_log
from certification import services as certification
from certification import stats
from certification.forms import (
    ApproveForm,
    AttachmentForm,
    BatchApproveForm,
    DossierForm,
    QueueFilterForm,
    ReasonForm,
    RegisterFilterForm,
)
from certification.models import CertificationRecord, State
from certification.services import CertificationError
from dataio.entities import get_resource
from dataio.forms import ImportForm
from dataio.services import run_import
from movement import filters as movement_filters
from movement import services as movement
from movement.forms import (
    CampaignForm,
    CommendationEditForm,
    PeriodForm,
    PlanForm,
    RevokeForm,
    campaign_result_formset,
    plan_target_formset,
)
from registry import filters as registry_filters
from registry import forms as registry_forms
from registry.models import AdministrativeUnit, UnitLevel
from tests.test_authorisation_matrix import World, answer, world  # noqa: F401  (fixture)

VIETNAMESE = "Xã Khánh Bình, Thôn Đông — Tổ bảo vệ an ninh, trật tự số 1; Ủy ban nhân dân"
HOSTILE_TEXT = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE registry_administrativeunit; --",
    "1 OR 1=1",
    "Robert'); DELETE FROM accounts_user;--",
    "\x00\x01\x07\x1b[31m",
    "line\r\nbreak\ttab\u2028\u2029",
    "\u202eRTL override",
    "\ufeffBOM",
    unicodedata.normalize("NFC", VIETNAMESE),
    unicodedata.normalize("NFD", VIETNAMESE),
    "{{ 7*7 }} {% debug %}",
    "../../etc/passwd",
    "%s %d %n",
    "😀" * 20,
    "",
    " ",
]


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=40),
        st.text(min_size=300, max_size=3000),
        st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE_TEXT), st.text(max_size=20)),
    )


def hostile_number() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30),
        st.sampled_from(["-1", "0", "2147483648", "9" * 40, "1e309", "NaN", "1,5", "١٢٣", "0x10"]),
        hostile_text(),
    )


def hostile_date() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(str),
        st.sampled_from(
            ["0000-00-00", "2024-02-30", "31/02/2024", "99999-01-01", "-2024-01-01", "2024-13-01"]
        ),
        hostile_text(),
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HOSTILE_FILE_NAMES = [
    "to-trinh.pdf",
    "../../etc/passwd",
    "<script>alert(1)</script>.pdf",
    "ảnh hồ sơ.PNG",
    "x" * 400 + ".pdf",
    "a.pdf\x00.exe",
    ".htaccess",
    "du-lieu.xlsx",
    "du-lieu.csv",
]


def hostile_upload() -> st.SearchStrategy[Any]:
    content = st.one_of(
        st.sampled_from(
            [PDF, PNG, b"", b"<html><script>alert(1)</script></html>", b"PK\x03\x04" + b"\x00" * 40]
        ),
        st.binary(max_size=2000),
        st.builds(
            lambda head, tail: head + tail,
            st.sampled_from([PDF, PNG, b"PK\x03\x04"]),
            st.binary(max_size=200),
        ),
        st.text(max_size=200).map(lambda t: ("Mã xã,Tên\n" + t).encode("utf-8", "surrogatepass")),
    )
    return st.one_of(
        st.builds(
            lambda name, data: SimpleUploadedFile(name, data, content_type="application/octet-stream"),
            st.sampled_from(HOSTILE_FILE_NAMES),
            content,
        ),
        st.just(None),
        hostile_text(),
    )


@dataclass(frozen=True)
class ExistingRow:
    """Stands for the n-th row the field may point at: drawn without touching the database, so
    that hypothesis sees the same draws on every run; resolved to a real id afterwards."""

    index: int


def field_strategy(field: forms.Field) -> st.SearchStrategy[Any]:
    if isinstance(field, forms.FileField):
        return hostile_upload()
    if isinstance(field, forms.ModelChoiceField):
        return st.one_of(st.builds(ExistingRow, st.integers(0, 19)), st.just(""), hostile_number())
    if isinstance(field, forms.MultipleChoiceField):
        return st.lists(st.one_of(st.integers(0, 10**6).map(str), hostile_number().map(str)), max_size=4)
    if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
        valid = [value for value, label in field.choices if not isinstance(label, list | tuple)]
        return st.one_of(st.sampled_from(valid) if valid else st.nothing(), hostile_text())
    if isinstance(field, forms.BooleanField):
        return st.one_of(st.booleans(), st.sampled_from(["on", "false", "0", "x"]), st.just(None))
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return hostile_number()
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return hostile_date()
    return hostile_text()


# Text a user could well type, markup included: a form filled with it should save, and show it as text.
PLAUSIBLE_TEXT = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    unicodedata.normalize("NFC", VIETNAMESE),
    unicodedata.normalize("NFD", VIETNAMESE),
    "Robert'); DELETE FROM accounts_user;--",
    "Thôn 1",
]


def plausible_strategy(field: forms.Field) -> st.SearchStrategy[Any]:
    """A value the field should accept: most fields of an example get one, a few get hostile ones,
    so that valid forms (and their saves) are reached as well as the error messages."""
    if not field.required and not isinstance(field, forms.BooleanField | forms.MultipleChoiceField):
        return st.one_of(st.just(""), _plausible(field))
    return _plausible(field)


def _plausible(field: forms.Field) -> st.SearchStrategy[Any]:
    if isinstance(field, forms.FileField):
        return st.builds(lambda: SimpleUploadedFile("to-trinh.pdf", PDF, content_type="application/pdf"))
    if isinstance(field, forms.ModelChoiceField):
        return st.builds(ExistingRow, st.integers(0, 19))
    if isinstance(field, forms.MultipleChoiceField):
        return st.lists(st.integers(1, 10**6).map(str), min_size=1, max_size=3)
    if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
        valid = [
            value for value, label in field.choices if value != "" and not isinstance(label, list | tuple)
        ]
        return st.sampled_from(valid) if valid else st.just("")
    if isinstance(field, forms.BooleanField):
        return st.booleans()
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(st.integers(0, 100), st.integers(2020, 2030))
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)).map(str)
    limit = getattr(field, "max_length", None) or 3000
    return st.one_of(st.sampled_from(PLAUSIBLE_TEXT), st.text(min_size=1, max_size=30)).map(
        lambda t: t[:limit]
    )


def resolve(field: forms.Field, value: Any) -> Any:
    if isinstance(value, ExistingRow):
        ids = list(field.queryset.order_by("pk").values_list("pk", flat=True)[:20])
        return ids[value.index % len(ids)] if ids else ""
    return value


def form_fields(target: forms.BaseForm | forms.BaseFormSet) -> tuple[dict[str, forms.Field], dict[str, Any]]:
    """The fields to attack, by their names in the POST, and the values that stay as the page sent
    them: a formset's management form, the ids of its rows and the link to their parent."""
    if not isinstance(target, forms.BaseFormSet):
        return dict(target.fields), {}
    fixed = {
        target.management_form.add_prefix(name): value
        for name, value in target.management_form.initial.items()
    }
    fields = {}
    for form in target.forms:
        for name, form_field in form.fields.items():
            if name == "id" or isinstance(form_field, InlineForeignKeyField):
                fixed[form.add_prefix(name)] = form[name].value() or ""
            else:
                fields[form.add_prefix(name)] = form_field
    return fields, fixed


def split_files(data: dict[str, Any] | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Uploads go to ``request.FILES``, everything else to ``request.POST``."""
    if data is None:
        return None, None
    files = {k: v for k, v in data.items() if isinstance(v, UploadedFile)}
    return {k: v for k, v in data.items() if k not in files}, files


def errors_of(target: forms.BaseForm | forms.BaseFormSet) -> list[tuple[str, Any]]:
    if isinstance(target, forms.BaseFormSet):
        rows = [(f"{i}.{name}", e) for i, errors in enumerate(target.errors) for name, e in errors.items()]
        return [*rows, ("__formset__", target.non_form_errors())]
    return list(target.errors.items())


def _save(form: Any, w: World) -> Any:
    return form.save()


@dataclass(frozen=True)
class FormCase:
    name: str
    make: Callable[[dict[str, Any] | None, World], forms.BaseForm | forms.BaseFormSet]
    # What the view does once the form is valid; returns what it stored (to be rendered), if anything.
    submit: Callable[[Any, World], Any] = _save
    # Exceptions the view turns into a message for the user.
    handled: tuple[type[Exception], ...] = field(default=())


def _model_form_case(label: str) -> FormCase:
    model = apps.get_model(label)
    form_class = modelform_factory(model, fields="__all__")
    return FormCase(f"ModelForm({label})", lambda data, w: form_class(data=data))


def _scoped_form_case(form_class: type[forms.BaseForm], **extra: Callable[[World], Any]) -> FormCase:
    """A registry or movement form as commune staff fill it in (choices limited to their commune)."""
    return FormCase(
        f"{form_class.__module__.split('.')[0]}.{form_class.__name__}",
        lambda data, w: form_class(
            data=data, user=w.users.commune_staff, **{name: make(w) for name, make in extra.items()}
        ),
    )


def _request(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


def _filter_case(filterset_class: type, queryset: Callable[[World], models.QuerySet]) -> FormCase:
    """A list page's filters: the page runs the filtered query whatever the form says."""

    def make(data: dict[str, Any] | None, w: World) -> forms.BaseForm:
        user = w.users.commune_staff
        filterset = filterset_class(data, queryset=queryset(w).visible_to(user), request=_request(user))
        if data is not None:
            list(filterset.qs[:25])
        return filterset.form

    return FormCase(f"filter.{filterset_class.__name__}", make, submit=lambda form, w: None)


# --- What the views do with a valid form ----------------------------------------------------------


def _dossier(data: dict[str, Any] | None, w: World) -> DossierForm:
    return DossierForm(data, criteria=certification.criteria_for(w.record), assessments={})


def _save_dossier(form: DossierForm, w: World) -> CertificationRecord:
    return certification.save_dossier(
        w.record,
        w.users.commune_staff,
        assessments=form.assessments(),
        meeting_date=form.cleaned_data["meeting_date"],
        submission_number=form.cleaned_data["submission_number"],
    )


def _submitted(w: World) -> CertificationRecord:
    """The in-scope record as the reviewer finds it in the queue (rolled back with the example)."""
    CertificationRecord.objects.filter(pk=w.record.pk).update(
        state=State.SUBMITTED, submitted_by=w.users.commune_staff
    )
    return CertificationRecord.objects.get(pk=w.record.pk)


def _approve(form: ApproveForm, w: World) -> CertificationRecord:
    data = form.cleaned_data
    return certification.approve(
        _submitted(w), w.users.reviewer, data["reason"], decision_number=data["decision_number"]
    )


def _reject(form: ReasonForm, w: World) -> CertificationRecord:
    return certification.reject(_submitted(w), w.users.reviewer, form.cleaned_data["reason"])


def _revoke(form: ReasonForm, w: World) -> CertificationRecord:
    return certification.revoke(w.approved_record, w.users.reviewer, form.cleaned_data["reason"])


def _batch_approve(form: BatchApproveForm, w: World) -> None:
    found = CertificationRecord.objects.reviewable_by(w.users.reviewer).filter(
        pk__in=form.cleaned_data["records"]
    )
    certification.approve_many(
        list(found),
        w.users.reviewer,
        decision_number=form.cleaned_data["decision_number"],
        reason=form.cleaned_data["reason"],
    )


def _attachment(data: dict[str, Any] | None, w: World) -> AttachmentForm:
    post, files = split_files(data)
    return AttachmentForm(post, files)


def _add_attachment(form: AttachmentForm, w: World) -> Any:
    return certification.add_attachment(w.record, w.users.commune_staff, form.cleaned_data["file"])


def _communes(user: Any) -> models.QuerySet:
    return (
        AdministrativeUnit.objects.editable_by(user)
        .filter(level=UnitLevel.COMMUNE)
        .current()
        .order_by("code")
    )


def _register_filter(form: RegisterFilterForm, w: World) -> None:
    for kind in stats.LIST_KINDS:
        list(
            stats.subjects(
                form.cleaned_data["commune"], form.cleaned_data["year"], kind, w.users.commune_staff
            )
        )


def _queue_filter(form: QueueFilterForm, w: World) -> None:
    records = CertificationRecord.objects.reviewable_by(w.users.reviewer)
    if form.cleaned_data["commune"]:
        records = records.filter(commune=form.cleaned_data["commune"])
    if form.cleaned_data["kind"]:
        records = records.filter(subject_kind=form.cleaned_data["kind"])
    list(records)


def _import(data: dict[str, Any] | None, w: World) -> ImportForm:
    post, files = split_files(data)
    return ImportForm(post, files)


def _dry_run(form: ImportForm, w: World) -> None:
    upload = form.cleaned_data["file"]
    resource = get_resource(form.cleaned_data["entity"])
    run_import(resource, upload, upload.name, w.users.admin, dry_run=True, size=upload.size)


def _revoke_commendation(form: RevokeForm, w: World) -> Any:
    return movement.revoke_commendation(
        w.commendation.pk, w.users.province_staff, form.cleaned_data["reason"]
    )


def _period(form: PeriodForm, w: World) -> None:
    data, user = form.cleaned_data, w.users.commune_staff
    movement.campaigns_in(w.commune, data["date_from"], data["date_to"], user=user).count()
    movement.campaign_totals(w.commune, data["date_from"], data["date_to"], user=user)


def _change_log(form: ChangeFilterForm, w: World) -> None:
    list(change_log(form.criteria())[:50])


REGISTRY_MODELS = sorted(m._meta.label for m in apps.get_app_config("registry").get_models())
FORMS: list[FormCase] = [
    # Registry: model forms as the admin sees them, and the pages' forms as commune staff fill them.
    *(_model_form_case(label) for label in REGISTRY_MODELS),
    _scoped_form_case(registry_forms.ResidentialAreaForm),
    _scoped_form_case(registry_forms.OrganisationForm),
    _scoped_form_case(registry_forms.SteeringCommitteeForm),
    _scoped_form_case(registry_forms.ForceUnitForm),
    _scoped_form_case(registry_forms.SecurityModelForm),
    _scoped_form_case(registry_forms.ModelReviewForm, model=lambda w: w.model),
    # Certification.
    FormCase("certification.DossierForm", _dossier, _save_dossier, (CertificationError,)),
    FormCase(
        "certification.RegisterFilterForm",
        lambda data, w: RegisterFilterForm(data, communes=_communes(w.users.commune_staff)),
        _register_filter,
    ),
    FormCase("certification.ApproveForm", lambda data, w: ApproveForm(data), _approve, (CertificationError,)),
    FormCase(
        "certification.ReasonForm(reject)", lambda data, w: ReasonForm(data), _reject, (CertificationError,)
    ),
    FormCase(
        "certification.ReasonForm(revoke)", lambda data, w: ReasonForm(data), _revoke, (CertificationError,)
    ),
    FormCase("certification.BatchApproveForm", lambda data, w: BatchApproveForm(data), _batch_approve),
    FormCase(
        "certification.QueueFilterForm",
        lambda data, w: QueueFilterForm(data, communes=_communes(w.users.admin)),
        _queue_filter,
    ),
    FormCase("certification.AttachmentForm", _attachment, _add_attachment, (CertificationError,)),
    # Movement.
    _scoped_form_case(PlanForm),
    FormCase(
        "movement.PlanTargetFormSet",
        lambda data, w: plan_target_formset(w.users.commune_staff, data, instance=w.plan),
        _save,
    ),
    _scoped_form_case(CampaignForm),
    FormCase(
        "movement.CampaignResultFormSet",
        lambda data, w: campaign_result_formset(data, instance=w.campaign),
        _save,
    ),
    _scoped_form_case(CommendationEditForm),
    FormCase(
        "movement.RevokeForm", lambda data, w: RevokeForm(data), _revoke_commendation, (ValidationError,)
    ),
    FormCase("movement.PeriodForm", lambda data, w: PeriodForm(data), _period),
    # List filters.
    _filter_case(
        registry_filters.ResidentialAreaFilter,
        lambda w: apps.get_model("registry.ResidentialArea").objects.all(),
    ),
    _filter_case(
        registry_filters.SecurityModelFilter, lambda w: apps.get_model("registry.SecurityModel").objects.all()
    ),
    _filter_case(movement_filters.PlanFilter, lambda w: apps.get_model("movement.Plan").objects.all()),
    _filter_case(
        movement_filters.CampaignFilter, lambda w: apps.get_model("movement.Campaign").objects.all()
    ),
    _filter_case(
        movement_filters.CommendationFilter, lambda w: apps.get_model("movement.Commendation").objects.all()
    ),
    # Import, audit, login.
    FormCase("dataio.ImportForm", _import, _dry_run),
    FormCase("audit.ChangeFilterForm", lambda data, w: ChangeFilterForm(data), _change_log),
    FormCase("LoginForm", lambda data, w: LoginForm(request=None, data=data), lambda form, w: None),
]

ESCAPED_PAGE = Template(
    "{% load audit %}{% for v in values %}<p>{{ v }}</p>{% endfor %}{% history_tab obj %}"
)
# What hostile text would look like had it been written into a page unescaped.
RAW_MARKUP = ("<script>alert", "<img src=x")


def _stored_texts(obj: models.Model) -> list[str]:
    return [value for f in obj._meta.concrete_fields if isinstance(value := getattr(obj, f.attname), str)]


def assert_renders_escaped(stored: Any, w: World) -> None:
    """The stored text, through a template and the object's own page, shows as text, never as markup."""
    objects = stored if isinstance(stored, list) else [stored]
    for obj in objects:
        if not isinstance(obj, models.Model) or obj.pk is None:
            continue
        obj.refresh_from_db()
        pages = [ESCAPED_PAGE.render(Context({"values": _stored_texts(obj), "obj": obj}))]
        if hasattr(obj, "get_absolute_url"):
            response = w.client("admin").get(obj.get_absolute_url())
            assert response.status_code == 200, (obj, response.status_code)
            pages.append(response.content.decode())
        for page in pages:
            assert not any(marker in page for marker in RAW_MARKUP), obj


@pytest.mark.django_db
@pytest.mark.parametrize("case", FORMS, ids=lambda case: case.name)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_input_gets_a_message_or_a_clean_save(case: FormCase, world: World, data):  # noqa: F811
    fields, fixed = form_fields(case.make(None, world))
    names = sorted(fields)
    attacked = data.draw(
        st.sets(st.sampled_from(names), max_size=3) if names else st.just(set()), label="attacked"
    )
    values = {
        name: data.draw(field_strategy(field) if name in attacked else plausible_strategy(field), label=name)
        for name, field in fields.items()
    }
    payload = {
        **fixed,
        **{name: resolve(fields[name], value) for name, value in values.items() if value is not None},
    }
    with transaction.atomic():
        form = case.make(payload, world)
        if form.is_valid():
            try:
                stored = case.submit(form, world)
            except case.handled as exc:  # the view shows it as a message
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                assert all(m.strip() for m in messages), exc
            else:
                assert_renders_escaped(stored, world)
        else:
            for name, errors in errors_of(form):
                if name == "__formset__" and not errors:
                    continue
                assert errors, name
                for message in errors if not isinstance(errors, dict) else errors.values():
                    assert isinstance(message, str) and message.strip(), (name, message)
        transaction.set_rollback(True)


def test_every_registry_model_has_a_form_case():
    names = {case.name for case in FORMS}
    for label in REGISTRY_MODELS:
        assert f"ModelForm({label})" in names or any(label in n for n in names), label


def test_error_messages_are_vietnamese(world):  # noqa: F811
    form = modelform_factory(apps.get_model("registry.ResidentialArea"), fields="__all__")(
        data={"name": "x" * 500, "households": "-1"}
    )
    assert not form.is_valid()
    text = " ".join(str(e) for errors in form.errors.values() for e in errors)
    assert "bắt buộc" in text or "Trường này" in text


# --- Hostile query strings on the pages that read them (filters, years, units, pages) -------------

# Values that lead somewhere real, so the hostile ones are tried next to working ones.
PARAM_VALUES: dict[str, list[str]] = {
    "unit": ["{commune}", "{province}"],
    "commune": ["{commune}"],
    "district": ["{district}"],
    "year": ["2025"],
    "figure": ["models", "models_class", "force_units", "cert_approved", "cert_eligible", "commendations"],
    "key": ["residential_area", "organisations", "school"],
    "kind": ["residential_area", "school", "commune"],
    "state": ["registered", "approved"],
    "status": ["in_force", "active"],
    "format": ["xlsx", "csv"],
    "entity": ["areas"],
    "sort": ["name", "-name", "commune"],
    "page": ["1", "2"],
}
EDITORS = ("admin", "province_staff", "commune_staff")
# (URL name, its kwargs, the query parameters the page reads, roles that may open it)
QUERY_PAGES: list[Any] = [
    ("registry:area_list", None, ("q", "district", "commune", "kind", "is_active", "sort", "page"), EDITORS),
    ("registry:model_list", None, ("q", "commune", "model_type", "replicated", "sort", "page"), EDITORS),
    ("registry:area_create", None, ("commune",), EDITORS),
    ("movement:plan_list", None, ("q", "status", "year", "unit", "sort", "page"), EDITORS),
    ("movement:campaign_list", None, ("q", "kind", "plan", "unit", "sort", "page"), EDITORS),
    ("movement:commendation_list", None, ("q", "form", "year", "recipient_kind", "status", "page"), EDITORS),
    ("movement:unit_summary", lambda w: {"pk": w.commune.pk}, ("date_from", "date_to"), EDITORS),
    ("certification:record_list", None, ("year", "state", "kind", "page"), EDITORS),
    ("certification:register", None, ("year", "commune"), EDITORS),
    ("certification:review_queue", None, ("commune", "kind", "page"), ("admin", "district_reviewer")),
    ("certification:status", None, ("unit", "year"), EDITORS),
    ("certification:status_subjects", None, ("unit", "year", "kind", "page"), EDITORS),
    ("dashboard:unit", lambda w: {"pk": w.commune.pk}, ("year",), ("admin", "leadership")),
    ("dashboard:figure_list", None, ("unit", "figure", "key", "year", "page"), ("admin", "leadership")),
    ("dashboard:annual_report", None, ("unit", "year"), ("admin", "leadership")),
    ("audit:change_list", None, ("user", "model", "unit", "date_from", "date_to", "page"), ("admin",)),
    ("dataio:index", None, ("entity",), ("admin",)),
    pytest.param("dataio:export", lambda w: {"entity": "areas"}, ("unit", "format"), EDITORS),
]


def _param_value(name: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(PARAM_VALUES.get(name, ["1"])),
        hostile_text(),
        hostile_number().map(str),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kwargs", "params", "roles"),
    QUERY_PAGES,
    ids=[page.values[0] if hasattr(page, "values") else page[0] for page in QUERY_PAGES],
)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_query_string_gets_a_page_or_a_404(name, kwargs, params, roles, world: World, data):  # noqa: F811
    role = data.draw(st.sampled_from(roles), label="role")
    chosen = data.draw(st.sets(st.sampled_from(params), min_size=1), label="params")
    query = {param: data.draw(_param_value(param), label=param) for param in sorted(chosen)}
    places = {
        "commune": world.commune.pk,
        "province": world.tree.province.pk,
        "district": world.tree.district.pk,
    }
    query = {
        k: str(places[v[1:-1]]) if v in ("{commune}", "{province}", "{district}") else v
        for k, v in query.items()
    }
    url = f"{reverse(name, kwargs=kwargs(world) if kwargs else None)}?{urlencode(query)}"
    response = answer(world.client(role), "GET", url, {})
    assert response.status_code in (200, 302, 404), (url, response.status_code)
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        page = response.content.decode()
        assert not any(marker in page for marker in RAW_MARKUP), url
