"""Pages read alike everywhere: pager words, dates and history in the reader's language and time,
search that ignores diacritics, forms that choose the only choice, a menu bar on one line."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from movement.catalogues import seed_catalogues
from movement.models import Campaign, CampaignKind, CommendationForm, ResultMetric

D = datetime.date


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    # The locale middleware activates the request's language for the thread.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def movement_catalogues(db) -> None:
    seed_catalogues(ResultMetric, CampaignKind, CommendationForm)


# --- Pager ---------------------------------------------------------------------------------------


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]*>", " ", html).replace("&laquo;", "«").replace("&raquo;", "»").split())


@pytest.mark.django_db
def test_list_pager_speaks_the_readers_language(client, tree, users, movement_catalogues):
    kind, day = CampaignKind.objects.first(), D(2025, 3, 1)
    Campaign.objects.bulk_create(
        Campaign(kind=kind, name=f"Đợt {i}", place=tree.commune, start_date=day, end_date=day)
        for i in range(60)  # three pages
    )
    client.force_login(users.province_staff)
    url = reverse("movement:campaign_list") + "?page=2"

    text = visible_text(client.get(url).content.decode())
    assert "« Trang trước" in text and "Trang sau »" in text
    assert "previous" not in text and "next" not in text

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = visible_text(client.get(url).content.decode())
    assert "« Previous page" in text and "Next page »" in text
