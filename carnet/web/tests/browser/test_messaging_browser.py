"""Secure messaging in headless Chromium: every page (patient inbox, conversation, new conversation, archive;
the professional's inbox, conversation, compose and settings; an organisation mailbox seen by a member; the
operators' paper reply) at 360 and 1280 px, in French and in English, axe-clean, without sideways scrolling,
and used without JavaScript (every change is a form post)."""

import pytest

from carnet import factories
from carnet.access.actor import Actor
from carnet.messaging import actions
from carnet.messaging.models import Mailbox
from carnet.records.samples import sample_pdf
from carnet.web.tests.browser.conftest import sign_in
from carnet.web.tests.browser.test_agenda_catalogue_browser import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (360, 1280)


def _language(page, code: str) -> None:
    page.select_option("#language", code)
    with page.expect_navigation():
        page.click(".site-footer button[type=submit]")


def _tour(new_page, check, user, pages, name):
    """Each page at both widths, French then English: axe, ids, no sideways scroll."""
    for width in WIDTHS:
        page = sign_in(new_page(width=width, height=900), user)
        for language in ("fr", "en"):
            if language == "en":
                _language(page, "en")
            for path, label in pages:
                page.goto(path)
                assert page.locator("html").get_attribute("lang").startswith(language), (path, language)
                check(page, f"messaging-{name}-{label}-{width}-{language}")
                no_sideways_scroll(page, path)


def _world(alice, bob, charlie):
    bob_box = actions.personal_mailbox(Actor.for_professional(bob))
    pharmacy = Mailbox.objects.create(owner=charlie, name="Pharmacie du Marché", kind=Mailbox.Kind.PHARMACY)
    upload = actions.Upload("compte-rendu-biologie.pdf", sample_pdf("Biologie", ["Glycémie 0,95 g/L"]))
    draft = actions.Draft(body="Bonjour Alice,\nvos résultats sont normaux.", uploads=[upload])
    conversation = actions.start_conversation(
        Actor.for_professional(bob), alice, bob_box, "Résultats de prise de sang", draft
    )
    return bob_box, pharmacy, conversation


def test_the_patients_messaging_pages(new_page, check, alice, bob, charlie):
    _box, pharmacy, conversation = _world(alice, bob, charlie)
    page = sign_in(new_page(width=360, height=900), alice.user)
    page.goto(f"/patient/messages/{conversation.pk}/")  # without JavaScript: plain form posts
    page.fill("textarea[name=body]", "Merci docteur.")
    with page.expect_navigation():
        page.click("form:has(textarea[name=body]) button[type=submit]")
    assert "Merci docteur." in page.content()
    page.goto("/patient/messages/nouveau/")
    page.select_option("select[name=mailbox]", str(pharmacy.pk))
    page.fill("input[name=subject]", "Renouvellement")
    page.fill("textarea[name=body]", "Mon ordonnance est-elle prête ?")
    with page.expect_navigation():
        page.click("form:has(input[name=subject]) button[type=submit]")
    assert "Renouvellement" in page.content() and "15" in page.content()  # the automatic notice
    page.goto(f"/patient/messages/{conversation.pk}/")
    with page.expect_navigation():
        page.click("form:has(input[name=archive]) button[type=submit]")
    pages = [
        ("/patient/messages/", "inbox"),
        (f"/patient/messages/{conversation.pk}/", "conversation"),
        ("/patient/messages/nouveau/", "compose"),
        ("/patient/messages/?archive=1", "archive"),
        ("/patient/messages/?q=r%C3%A9sultats", "search"),
    ]
    _tour(new_page, check, alice.user, pages, "patient")


def test_the_professionals_pages_and_an_organisation_mailbox(new_page, check, alice, bob, charlie):
    _box, pharmacy, conversation = _world(alice, bob, charlie)
    page = sign_in(new_page(width=360, height=900), bob.user)
    page.goto("/pro/")
    page.fill("#id_nir", alice.nir)
    page.fill("#id_birth_date", alice.birth_date.isoformat())
    with page.expect_navigation():
        page.click("form:has(#id_nir) button[type=submit]")
    with page.expect_navigation():
        page.click("a[href^='/pro/messages/nouveau/']")
    compose = page.url.removeprefix(page.url.split("/pro/")[0])
    assert str(alice.pk) not in compose.split("/")  # the session's reference, never her number
    page.fill("input[name=subject]", "Rappel vaccin")
    page.fill("textarea[name=body]", "Pensez au rappel.")
    with page.expect_navigation():
        page.click("form:has(input[name=subject]) button[type=submit]")
    assert "Rappel vaccin" in page.content()
    pages = [
        ("/pro/messages/", "inbox"),
        (f"/pro/messages/{conversation.pk}/", "conversation"),
        (compose, "compose"),
        ("/pro/messages/reglages/", "settings"),
    ]
    _tour(new_page, check, bob.user, pages, "pro")
    # the pharmacy's mailbox, read and answered by a member of its team
    colleague = factories.make_professional("Paul", "Adjoint", factories.Profession.PHARMACIEN)
    pharmacy.members.add(colleague)
    started = actions.start_conversation(
        Actor.for_patient(alice),
        alice,
        pharmacy,
        "Ordonnance",
        actions.Draft(body="Bonjour, est-elle prête ?"),
    )
    page = sign_in(new_page(width=360, height=900), colleague.user)
    page.goto(f"/pro/messages/{started.pk}/")
    page.fill("textarea[name=body]", "Oui, elle est prête.")
    with page.expect_navigation():
        page.click("form:has(textarea[name=body]) button[type=submit]")
    assert "Oui, elle est prête." in page.content()
    pages = [("/pro/messages/", "inbox"), (f"/pro/messages/{started.pk}/", "conversation")]
    _tour(new_page, check, colleague.user, pages, "organisation")


def test_the_operators_paper_reply_page(new_page, check, erin):
    _tour(new_page, check, erin, [("/operateurs/messagerie/reponse-papier/", "paper-reply")], "operator")
