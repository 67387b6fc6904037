"""The emergency card: what it says (and does not), as a wallet-size printed card and on a phone's screen.

It says who the holder is, a presence code good once, a link (as a QR code) that opens carnet's access page
for this patient on a professional's phone, the trusted person, the people to warn and the GP. It says
nothing clinical unless the holder chose it: allergies, current treatments, wishes (advance directives,
organ donation). The link names no one: a random token, looked up by its keyed hash, revoked with the card.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from carnet.access import queries as access
from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.models import EmergencyCard
from carnet.access.permissions import Permission as P
from carnet.identity.queries import language_of
from carnet.pdffonts import new_pdf, printable
from carnet.records import queries
from carnet.records.models import ProfileEntry, Wish

WIDTH, HEIGHT = 85.6, 54  # ISO/IEC 7810 ID-1, a bank card's size, in millimetres
Section = EmergencyCard.Section


@dataclass
class Card:
    """What the card shows; ``clinical`` holds only the parts the holder chose."""

    name: str
    birth_date: object
    code: str
    code_usable: bool
    link: str
    created_at: object
    sections: list
    trusted: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    gp: str = ""
    clinical: list = field(default_factory=list)  # (title, text) pairs

    @property
    def spaced_code(self) -> str:
        return f"{self.code[:4]} {self.code[4:]}"

    def qr_svg(self) -> str:
        import segno

        return segno.make(self.link, error="m").svg_inline(scale=3, title=_("Lien de la carte d'urgence"))


def _people(wishes, kind) -> list[str]:
    return [f"{w.name} {w.phone}".strip() for w in wishes if w.kind == kind and (w.name or w.phone)]


def _clinical(actor: Actor, patient, sections: list, wishes: list) -> list[tuple[str, str]]:
    lines = []
    if Section.ALLERGIES in sections or Section.TREATMENTS in sections:
        profile = [
            e for e in queries.health_profile(actor, patient) if e.status == ProfileEntry.Status.ACTIVE
        ]
        for section, kind, title in (
            (Section.ALLERGIES, ProfileEntry.Kind.ALLERGY, _("Allergies")),
            (Section.TREATMENTS, ProfileEntry.Kind.TREATMENT, _("Traitements")),
        ):
            if section in sections:
                labels = ", ".join(e.label for e in profile if e.kind == kind)
                lines.append((title, labels or _("aucune renseignée")))
    if Section.WISHES in sections:
        kinds = {w.kind: w for w in wishes}
        directives = kinds.get(Wish.Kind.ADVANCE_DIRECTIVES)
        donation = kinds.get(Wish.Kind.ORGAN_DONATION)
        lines.append(
            (
                _("Directives anticipées"),
                _("rédigées : à lire dans carnet") if directives else _("aucune enregistrée"),
            )
        )
        position = {"oui": _("oui"), "non": _("non")}.get(donation.organ_donation if donation else "")
        lines.append((_("Don d'organes"), position or _("non précisé")))
    return lines


def card_for(actor: Actor, patient, *, shown: str = "screen") -> Card | None:
    """The card in force, read through the policy (journaled as an export), or None if there is none."""
    authorize(actor, P.RECORD_EXPORT_CREATE, patient, detail={"export": "emergency-card", "format": shown})
    secrets = access.current_card(actor, patient)
    if secrets is None:
        return None
    wishes = list(queries.patient_wishes(actor, patient))
    gp = patient.gp
    return Card(
        name=f"{patient.first_names} {patient.used_name or patient.birth_name}",
        birth_date=patient.birth_date,
        code=secrets.code,
        code_usable=secrets.code_usable,
        link=settings.SITE_URL + reverse("pro:card", args=[secrets.token]),
        created_at=secrets.card.created_at,
        sections=secrets.card.sections,
        trusted=_people(wishes, Wish.Kind.TRUSTED_PERSON),
        contacts=_people(wishes, Wish.Kind.EMERGENCY_CONTACT)[:2],
        gp=f"{gp.display_name}, {gp.organisation}".strip(", ") if gp else "",
        clinical=_clinical(actor, patient, secrets.card.sections, wishes),
    )


def card_pdf(actor: Actor, patient) -> bytes | None:
    """An A4 sheet with the card, front and back side by side: cut along the dots, fold in the middle."""
    card = card_for(actor, patient, shown="pdf")
    if card is None:
        return None
    with translation.override(language_of(patient)):
        pdf = new_pdf(format="A4")
        pdf.set_auto_page_break(False)
        pdf.add_page()
        x, y = 19.4, 20
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.rect(x, y, WIDTH * 2, HEIGHT)
        pdf.line(x + WIDTH, y, x + WIDTH, y + HEIGHT)
        pdf.set_dash_pattern()
        _front(pdf, card, x, y)
        _back(pdf, card, x + WIDTH, y)
        pdf.set_xy(20, y + HEIGHT + 8)
        _text(
            pdf,
            _(
                "Découpez la carte en suivant les pointillés, pliez-la au milieu et gardez-la dans votre "
                "portefeuille, près de votre carte Vitale."
            ),
            10,
            width=170,
        )
        _text(
            pdf,
            _(
                "Si vous la perdez, révoquez-la dans votre espace (Carte d'urgence) : son lien et son code "
                "cessent aussitôt de fonctionner. Le code de présence ne sert qu'une fois ; une fois "
                "utilisé, imprimez une nouvelle carte."
            ),
            10,
            width=170,
        )
        return bytes(pdf.output())


def _text(pdf, text: str, size: float, *, bold: bool = False, width: float = 0, height: float = 0) -> None:
    pdf.set_font(pdf.carnet_font, style="B" if bold else "", size=size)
    left = pdf.get_x()
    pdf.multi_cell(width, height or size * 0.42, printable(pdf, text), new_x="LEFT", new_y="NEXT")
    pdf.set_x(left)


def _front(pdf, card: Card, x: float, y: float) -> None:
    import segno

    pdf.set_xy(x + 3, y + 3)
    _text(pdf, _("CARTE D'URGENCE - carnet"), 8, bold=True, width=52)
    _text(pdf, card.name[:60], 9, bold=True, width=52)
    _text(pdf, _("né(e) le %(date)s") % {"date": f"{card.birth_date:%d/%m/%Y}"}, 7, width=52)
    pdf.ln(2)
    _text(pdf, _("Code de présence (une seule fois) :"), 6.5, width=52)
    _text(pdf, card.spaced_code, 13, bold=True, width=52, height=6)
    pdf.ln(1)
    _text(
        pdf,
        _(
            "Professionnel de santé : scannez le code QR, connectez-vous, puis saisissez ce code pour "
            "lire le dossier avec l'accord du titulaire."
        ),
        5.5,
        width=52,
    )
    qr = io.BytesIO()
    segno.make(card.link, error="m").save(qr, kind="png", scale=4, border=1)
    qr.seek(0)
    pdf.image(qr, x=x + 57, y=y + 12, w=26)


def _back(pdf, card: Card, x: float, y: float) -> None:
    pdf.set_xy(x + 3, y + 3)
    rows = [
        (_("Personne de confiance"), "; ".join(card.trusted) or _("non désignée")),
        (_("Personnes à prévenir"), "; ".join(card.contacts) or _("aucune")),
        (_("Médecin traitant"), card.gp or _("non déclaré")),
    ] + card.clinical
    for title, text in rows:
        _text(pdf, f"{title} : {text}"[:150], 6.5, width=WIDTH - 6)
        pdf.ln(0.8)
    if not card.clinical:
        _text(pdf, _("Aucune information médicale sur cette carte (choix du titulaire)."), 6, width=WIDTH - 6)
