"""A Unicode font for every PDF carnet writes (summary, emergency card, letters): DejaVu Sans from Debian's
fonts-dejavu-core (.ci/run installs it), so "Œstrogel", "€" and "—" print as typed. Without the font
files (a machine that lacks the package), the PDF falls back to a core font and Latin-1."""

from pathlib import Path

from django.conf import settings
from fpdf import FPDF

FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


class CarnetPDF(FPDF):
    carnet_font = "Helvetica"  # the family to set: DejaVu when its files are there


def new_pdf(**options) -> CarnetPDF:
    """An FPDF document with the family ``pdf.carnet_font`` registered (DejaVu, or Helvetica)."""
    pdf = CarnetPDF(**options)
    folder = Path(settings.CARNET_PDF_FONT_DIR)
    if all((folder / name).is_file() for name in FILES.values()):
        for style, name in FILES.items():
            pdf.add_font("DejaVu", style, str(folder / name))
        pdf.carnet_font = "DejaVu"
    else:
        pdf.carnet_font = "Helvetica"
    return pdf


def printable(pdf: CarnetPDF, text: str) -> str:
    """The text as the PDF's font can print it (all of it with DejaVu)."""
    if pdf.carnet_font == "DejaVu":
        return text
    text = text.replace("\u2019", "'").replace("«", '"').replace("»", '"')
    return text.encode("latin-1", "replace").decode("latin-1")
