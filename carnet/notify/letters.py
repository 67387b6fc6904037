"""Postal letters as PDF (fpdf2), for people without internet: they go to the print queue."""

from django.utils import translation
from django.utils.translation import gettext as _

from carnet.pdffonts import new_pdf, printable
from carnet.vault import queries as vault
from carnet.vault.errors import VaultError


def letter_pdf(address: str, subject: str, body: str) -> bytes:
    pdf = new_pdf(format="A4")
    pdf.set_margins(20, 20, 20)
    _page(pdf, address, subject, body)
    return bytes(pdf.output())


def letter_text(letter) -> str:
    """What a letter says: its body, or for a sealed one the text unsealed now, at print time (empty once
    the patient's key was destroyed: nothing is left to print)."""
    if letter.sealed_body is None:
        if not letter.body and letter.sent_at is not None:
            return _("Le texte de ce courrier a été effacé après son impression.")
        return letter.body
    try:
        return vault.unsealer(letter.patient_id)(letter.sealed_body).decode()
    except VaultError:
        return ""


def letter_document(letter) -> bytes:
    """One letter's PDF for the print room: made when it is printed if its text is sealed."""
    if letter.sealed_body is None and letter.attachment:
        return bytes(letter.attachment)
    return letter_pdf(letter.recipient, letter.subject, letter_text(letter))


def batch_pdf(letters) -> bytes:
    """One PDF for the printer: each letter on its own page(s), in the batch's order."""
    pdf = new_pdf(format="A4")
    pdf.set_margins(20, 20, 20)
    from carnet.identity.models import Patient  # noqa: PLC0415 - identity's models import notify's plumbing

    languages = dict(
        Patient.objects.filter(pk__in={x.patient_id for x in letters}).values_list("pk", "language")
    )
    for letter in letters:
        with translation.override(
            languages.get(letter.patient_id) or "fr"
        ):  # the furniture in their language
            _page(pdf, letter.recipient, letter.subject, letter_text(letter))
    return bytes(pdf.output())


def _page(pdf, address: str, subject: str, body: str) -> None:
    pdf.add_page()
    pdf.set_font(pdf.carnet_font, size=11)
    pdf.multi_cell(0, 6, printable(pdf, _("carnet - votre espace de santé")), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_x(110)
    pdf.multi_cell(80, 6, printable(pdf, address), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(15)
    pdf.set_font(pdf.carnet_font, style="B", size=12)
    pdf.multi_cell(0, 7, printable(pdf, subject), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(pdf.carnet_font, size=11)
    pdf.multi_cell(0, 6, printable(pdf, body), new_x="LMARGIN", new_y="NEXT")
