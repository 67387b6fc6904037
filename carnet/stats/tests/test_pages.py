"""The public statistics pages: open to anyone, charts with their tables, downloads with a dictionary."""

import json

import pytest
from django.conf import settings
from django.utils import translation

from carnet.records import actions as records
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro
from carnet.stats.actions import refresh_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(alice, bob, settings):
    settings.CARNET_STATS_LAG_SECONDS = 0
    for _ in range(12):
        records.deposit_document(pro(bob), alice, sample_pdf("CR", ["texte"]), meta())
    refresh_statistics()


def test_before_any_run_the_page_says_so(client):
    response = client.get("/statistiques/")
    assert response.status_code == 200
    assert "pas encore été calculées" in response.content.decode()


def test_anyone_reads_the_charts_and_their_tables_without_signing_in(client, published):
    page = client.get("/statistiques/").content.decode()
    assert page.count('role="img"') >= 5, "each section has its picture"
    assert "<caption" in page and "Documents déposés, par classe" in page
    assert "Compte rendu" in page, "codes are named in words"
    assert 'aria-labelledby="chart-carte-espaces-actives-title' in page, "the map is there"


def test_every_table_has_its_own_page_and_downloads(client, published):
    page = client.get("/statistiques/tableaux/documents-deposes-par-classe/")
    assert page.status_code == 200
    csv_file = client.get("/statistiques/tableaux/documents-deposes-par-classe.csv")
    assert csv_file["Content-Type"].startswith("text/csv")
    assert 'filename="documents-deposes-par-classe.csv"' in csv_file["Content-Disposition"]
    lines = csv_file.content.decode().splitlines()
    assert lines[0] == "ligne,groupe,valeur,secret"
    assert any(line.endswith(",10,12,") for line in lines), "12 consultation reports, published"
    body = json.loads(client.get("/statistiques/tableaux/documents-deposes-par-classe.json").content)
    assert body["table"] == "documents-deposes-par-classe" and body["columns"] == ["10"]


def test_unknown_tables_and_formats_are_404(client, published):
    assert client.get("/statistiques/tableaux/nimporte-quoi/").status_code == 404
    assert client.get("/statistiques/tableaux/documents-deposes-par-classe.xlsx").status_code == 404


def test_the_data_dictionary_lists_every_file(client, published):
    page = client.get("/statistiques/dictionnaire/").content.decode()
    assert "documents-jamais-lus.csv" in page and "inferieur-11" in page


def test_the_pages_speak_english_too(client, published):
    client.post("/i18n/setlang/", {"language": "en"})
    try:
        page = client.get("/statistiques/").content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the test client leaves the last language active
    assert "Public statistics" in page
