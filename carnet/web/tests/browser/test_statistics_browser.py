"""The public statistics in Chromium: axe-clean, readable at 360 px and 1280 px without sideways scrolling."""

import pytest
from django.test import override_settings

from carnet.records import actions as records
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro
from carnet.stats.actions import refresh_statistics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(CARNET_STATS_LAG_SECONDS=0)
def test_statistics_pages_at_both_widths(new_page, check, alice, bob):
    for _ in range(12):
        records.deposit_document(pro(bob), alice, sample_pdf("CR", ["texte"]), meta())
    refresh_statistics()
    for width in (1280, 360):
        page = new_page(width=width)
        page.goto("/statistiques/")
        check(page, f"statistics-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto("/statistiques/tableaux/documents-deposes-par-region/")
        check(page, f"statistics-table-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
