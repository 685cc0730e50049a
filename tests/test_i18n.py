"""English is available: every interface string is marked, translated and compiled."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# Letters that only Vietnamese text has (ASCII-only words like "xa" are not caught, which is fine:
# a Vietnamese sentence always has some of these).
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# Translated template text: blocktranslate blocks, translate tags, _("…") arguments, comments, and
# text that declares its own language (the language switch names each language in itself).
# Whatever is left (text, other tags, variables' filter arguments) must not be Vietnamese.
TRANSLATED = re.compile(
    r"{%\s*(?:blocktranslate|blocktrans)\b.*?{%\s*end(?:blocktranslate|blocktrans)\s*%}"
    r"|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}"
    r"|{%\s*(?:translate|trans)\s.*?%}|_\(\"[^\"]*\"\)|_\('[^']*'\)|{#.*?#}"
    r"|<[^>]*\blang=\"vi\"[^>]*>[^<]*",
    re.DOTALL,
)


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_english_catalogue_translates_every_message():
    catalogue = _catalogue()
    assert len(catalogue) > 500
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.obsolete_entries() == []


def test_translations_keep_their_placeholders():
    wrong = []
    for entry in _catalogue():
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, target in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                wrong.append(source)
    assert wrong == []


def _entries(catalogue: polib._BaseFile) -> dict:
    return {(e.msgctxt, e.msgid): (e.msgstr, tuple(e.msgstr_plural.values())) for e in catalogue if e.msgid}


def test_compiled_catalogue_matches_its_source():
    """The shipped .mo is compiled from the .po as it stands (no build step needed on install)."""
    assert _entries(polib.mofile(str(MO))) == _entries(_catalogue())



def test_django_form_messages_read_naturally_in_vietnamese():
    from django import forms

    vi_po = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    assert _entries(polib.mofile(str(vi_po.with_suffix(".mo")))) == _entries(polib.pofile(str(vi_po)))

    def message(field: forms.Field, value: str) -> str:
        with pytest.raises(forms.ValidationError) as caught, translation.override("vi"):
            field.clean(value)
        return caught.value.messages[0]

    assert message(forms.IntegerField(), "mười") == "Hãy nhập một số nguyên."
    assert message(forms.IntegerField(min_value=0), "-1") == "Giá trị phải lớn hơn hoặc bằng 0."
    assert message(forms.IntegerField(max_value=2100), "20255") == "Giá trị phải nhỏ hơn hoặc bằng 2100."
    assert message(forms.CharField(max_length=3), "Thôn") == "Dài quá 3 ký tự (đang có 4 ký tự)."
    assert message(forms.DecimalField(decimal_places=2), "1.234") == "Tối đa 2 chữ số thập phân."

@pytest.mark.django_db
def test_admin_user_pages_read_in_vietnamese(client, users):
    client.force_login(users.admin)
    page = client.post(reverse("admin:accounts_user_add"), {"username": ""}).content.decode()
    assert "Hãy sửa các lỗi được đánh dấu bên dưới." in page
    assert "Please correct" not in page
    page = client.get(reverse("admin:accounts_user_change", args=[users.commune_staff.pk])).content.decode()
    assert "Mật khẩu không được lưu dạng gốc" in page
    assert "Raw passwords" not in page and "Reset password" not in page


def _untranslated_template_text(path: Path) -> list[str]:
    text = TRANSLATED.sub(" ", path.read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if VIETNAMESE.search(line)]


@pytest.mark.parametrize(
    "template",
    sorted((ROOT / "templates").rglob("*.html")),
    ids=lambda p: str(p.relative_to(ROOT / "templates")),
)
def test_template_text_is_marked_for_translation(template):
    assert _untranslated_template_text(template) == []


# --- Pages in English ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    # The locale middleware activates the request's language for the thread, as Django's does; the
    # tests that follow in this process must not inherit English.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_language_switch_turns_the_interface_english_and_back(client, users):
    client.force_login(users.province_staff)
    assert "Tình hình phong trào" in client.get("/").content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/", follow=True).content.decode()
    assert "Movement overview" in html
    assert "Log out" in html
    assert "Tình hình phong trào" not in html

    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Tình hình phong trào" in client.get("/", follow=True).content.decode()


PAGES = [
    ("province_staff", "registry:area_list", "Residential areas"),
    ("province_staff", "registry:model_list", "Self-managed security models"),
    ("province_staff", "certification:record_list", "Safe for Security and Order"),
    ("reviewer", "certification:review_queue", "Records awaiting review"),
    ("province_staff", "movement:plan_list", "Plans"),
    ("province_staff", "movement:commendation_list", "Commendations"),
    ("province_staff", "dashboard:annual_report", "Annual report"),
    ("admin", "dataio:index", "Import"),
    ("admin", "audit:change_list", "Change"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url_name", "english_text"), PAGES, ids=[p[1] for p in PAGES])
def test_pages_speak_english_to_an_english_user(english, users, role, url_name, english_text):
    english.force_login(getattr(users, role))
    response = english.get(reverse(url_name), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert english_text in html
    assert "Movement overview" in html  # the menu
    assert 'lang="en"' in html


@pytest.mark.django_db
def test_dashboard_figures_are_labelled_in_english(english, tree, users):
    english.force_login(users.province_staff)
    html = english.get(reverse("dashboard:unit", args=[tree.province.pk])).content.decode()
    assert "Communes with a steering committee" in html
    assert "Xã có Ban chỉ đạo" not in html


def test_rates_use_the_number_format_of_the_language():
    from certification.text import format_rate

    assert format_rate(1048, 1063, "cơ quan") == "1.048/1.063 cơ quan (98,6%)"
    with translation.override("en"):
        assert format_rate(1048, 1063, "agencies") == "1,048/1,063 agencies (98.6%)"


def test_spreadsheet_choice_labels_stay_vietnamese_for_an_english_user():
    """Cell values are the file format: an English first request must not change them."""
    from dataio.entities import all_entities
    from dataio.resources import columns_of
    from dataio.widgets import ChoiceWidget

    columns_of.cache_clear()
    try:
        with translation.override("en"):
            choice_columns = [
                column
                for _, resource in all_entities()
                for column in columns_of(resource)
                if isinstance(column.widget, ChoiceWidget)
            ]
            assert choice_columns
            for column in choice_columns:
                labels = list(column.widget.labels.values())
                assert any(VIETNAMESE.search(label) for label in labels), labels
            status = next(c for c in choice_columns if "Đang hoạt động" in c.widget.labels.values())
            assert status.widget.parse("Đang hoạt động") == "active"
    finally:
        columns_of.cache_clear()
