"""Small real documents for tests, the demo and the synthetic population."""

import io

from fpdf import FPDF


def sample_pdf(title: str, lines: list[str] | None = None) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(0, 10, title.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for line in lines or []:
        pdf.multi_cell(
            0, 6, line.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT"
        )
    return bytes(pdf.output())


def sample_png(width: int = 8, height: int = 8) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def sample_jpeg(width: int = 8, height: int = 8) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


SAMPLE_CDA = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">'
    b"<title>Compte rendu de biologie</title><component><structuredBody><component><section>"
    b"<text>Glycemie a jeun 0,95 g/L</text></section></component></structuredBody></component>"
    b"</ClinicalDocument>"
)
SAMPLE_FHIR = b'{"resourceType": "Bundle", "type": "document", "entry": []}'
