"""PDFs keep every character: a Unicode font (DejaVu Sans) is embedded, so "Œstrogel", "€" and "—" print."""

import datetime
import io

import pytest
from pypdf import PdfReader

from carnet.notify.letters import letter_pdf
from carnet.records import export
from carnet.records.actions import add_profile_entry
from carnet.records.tests.helpers import me

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_summary_prints_characters_outside_latin_1(alice):
    add_profile_entry(
        me(alice), alice, kind="treatment", label="Œstrogel — 1 dose", date=datetime.date(2026, 11, 2)
    )
    text = _text(export.summary_pdf(me(alice), alice))
    assert "Œstrogel — 1 dose" in text


def test_a_letter_prints_characters_outside_latin_1():
    text = _text(
        letter_pdf("Mme Zoé Œuvray\n1 rue de l'Église", "Votre code — carnet", "Frais : 0 € « gratuit »")
    )
    assert "Œuvray" in text and "0 €" in text and "« gratuit »" in text
