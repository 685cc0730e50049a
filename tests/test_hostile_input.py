"""Hostile input never breaks a form: a clear Vietnamese message or a clean save, never a 500.

Property-based (hypothesis): every form in ``FORMS`` gets random and hostile values (very long
strings, control characters, HTML and script, SQL-looking text, negative and huge numbers,
impossible dates, Vietnamese in NFC and NFD). What it saves must render escaped.

To add a form, append a :class:`FormCase` to ``FORMS``: a name and a function that builds the
form, bound to the generated ``data`` (``None`` for an unbound one) for a user of the fixture::

    FormCase("registry.AreaForm", lambda data, w: AreaForm(data=data, user=w.users.commune_staff)),
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import transaction
from django.forms import modelform_factory
from django.template import Context, Template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.forms import LoginForm
from tests.test_authorisation_matrix import World, world  # noqa: F401  (fixture)

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


@dataclass(frozen=True)
class ExistingRow:
    """Stands for the n-th row the field may point at: drawn without touching the database, so
    that hypothesis sees the same draws on every run; resolved to a real id afterwards."""

    index: int


def field_strategy(field: forms.Field) -> st.SearchStrategy[Any]:
    if isinstance(field, forms.ModelChoiceField):
        return st.one_of(st.builds(ExistingRow, st.integers(0, 19)), st.just(""), hostile_number())
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


def resolve(field: forms.Field, value: Any) -> Any:
    if isinstance(value, ExistingRow):
        ids = list(field.queryset.order_by("pk").values_list("pk", flat=True)[:20])
        return ids[value.index % len(ids)] if ids else ""
    return value


@dataclass(frozen=True)
class FormCase:
    name: str
    make: Callable[[dict[str, Any] | None, World], forms.BaseForm]


def _model_form_case(label: str) -> FormCase:
    model = apps.get_model(label)
    form_class = modelform_factory(model, fields="__all__")
    return FormCase(f"ModelForm({label})", lambda data, w: form_class(data=data))


REGISTRY_MODELS = sorted(m._meta.label for m in apps.get_app_config("registry").get_models())
FORMS: list[FormCase] = [
    *(_model_form_case(label) for label in REGISTRY_MODELS),
    FormCase("LoginForm", lambda data, w: LoginForm(request=None, data=data)),
]

ESCAPED_PAGE = Template(
    "{% load audit %}{% for v in values %}<p>{{ v }}</p>{% endfor %}{% history_tab obj %}"
)


@pytest.mark.django_db
@pytest.mark.parametrize("case", FORMS, ids=lambda case: case.name)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_input_gets_a_message_or_a_clean_save(case: FormCase, world: World, data):  # noqa: F811
    fields = case.make(None, world).fields
    values = {name: data.draw(field_strategy(field), label=name) for name, field in fields.items()}
    payload = {name: resolve(fields[name], value) for name, value in values.items() if value is not None}
    with transaction.atomic():
        form = case.make(payload, world)
        if form.is_valid():
            if isinstance(form, forms.ModelForm):
                obj = form.save()
                texts = [v for v in form.cleaned_data.values() if isinstance(v, str)]
                html = ESCAPED_PAGE.render(Context({"values": texts, "obj": obj}))
                assert "<script" not in html and "<img" not in html
        else:
            for name, errors in form.errors.items():
                assert errors, name
                for message in errors:
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
