"""Postal letters as PDF (fpdf2), for people without internet: they go to the print queue."""

from fpdf import FPDF


def letter_pdf(address: str, subject: str, body: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    _page(pdf, address, subject, body)
    return bytes(pdf.output())


def batch_pdf(letters) -> bytes:
    """One PDF for the printer: each letter on its own page(s), in the batch's order."""
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    for letter in letters:
        _page(pdf, letter.recipient, letter.subject, letter.body)
    return bytes(pdf.output())


def _page(pdf: FPDF, address: str, subject: str, body: str) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "carnet - votre espace de santé", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_x(110)
    pdf.multi_cell(80, 6, _latin(address), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(15)
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.multi_cell(0, 7, _latin(subject), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, _latin(body), new_x="LMARGIN", new_y="NEXT")


def _latin(text: str) -> str:
    """The core PDF fonts speak Latin-1: keep French accents, replace the rest."""
    return (
        text.replace("’", "'")
        .replace("«", '"')
        .replace("»", '"')
        .encode("latin-1", "replace")
        .decode("latin-1")
    )
