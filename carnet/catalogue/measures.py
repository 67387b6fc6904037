"""The measurements apps may write, after ANS's "Mesures de santé" guide: LOINC code, UCUM unit and the
range of plausible values (outside it, the value is refused as an input error, not stored)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"

# kind: (LOINC code, UCUM unit, lowest, highest, label)
KINDS = {
    "weight": ("29463-7", "kg", Decimal("0.5"), Decimal("400"), _("Poids")),
    "height": ("8302-2", "cm", Decimal("20"), Decimal("260"), _("Taille")),
    "heart-rate": ("8867-4", "/min", Decimal("20"), Decimal("250"), _("Fréquence cardiaque")),
    "glucose": ("2339-0", "g/L", Decimal("0.2"), Decimal("6"), _("Glycémie")),
    "hba1c": ("4548-4", "%", Decimal("3"), Decimal("20"), _("Hémoglobine glyquée (HbA1c)")),
    "temperature": ("8310-5", "Cel", Decimal("30"), Decimal("45"), _("Température")),
    "steps": ("55423-8", "{steps}", Decimal("0"), Decimal("100000"), _("Nombre de pas")),
    "blood-pressure": ("85354-9", "mm[Hg]", Decimal("40"), Decimal("300"), _("Tension artérielle")),
}
# Blood pressure is one Observation with two components: systolic and diastolic.
SYSTOLIC, DIASTOLIC = "8480-6", "8462-4"
DIASTOLIC_RANGE = (Decimal("20"), Decimal("200"))
BY_CODE = {code: kind for kind, (code, *_rest) in KINDS.items()}


def label(kind: str) -> str:
    return str(KINDS[kind][4]) if kind in KINDS else kind
