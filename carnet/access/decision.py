from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from carnet.errors import Refused

# What a person is told when the policy refuses, by the rule that decided (the rule stays in the journal).
RULE_TEXT = {
    "blocked": gettext_lazy("Le patient a bloqué votre accès."),
    "no-grant": gettext_lazy("Le patient ne vous a pas donné accès à son dossier."),
    "masked": gettext_lazy("Le patient a masqué ce document aux professionnels."),
    "private": gettext_lazy("Ce document est privé."),
    "professional-document": gettext_lazy(
        "Un document déposé par un professionnel ne se supprime pas : masquez-le."
    ),
    "emergency-refused": gettext_lazy("Le patient a refusé l'accès en urgence."),
    "samu-refused": gettext_lazy("Le patient a refusé l'accès du SAMU."),
    "space-not-open": gettext_lazy("Cet espace n'est pas ouvert."),
    "mandate-scope": gettext_lazy("Votre mandat ne permet pas cette action."),
    "no-mandate": gettext_lazy("Vous n'avez pas (ou plus) de mandat pour cet espace."),
    "holder-only": gettext_lazy(
        "Seule la personne titulaire de l'espace, ou son représentant légal, peut le faire."
    ),
    "not-author": gettext_lazy("Seul l'auteur peut modifier ce document ou cette information."),
    "matrix": gettext_lazy("Votre profession ne consulte pas ce type de document."),
    "occupational-doctor": gettext_lazy("Un médecin du travail a besoin du consentement exprès du patient."),
    "operator-only": gettext_lazy("Seule l'équipe carnet fait cela."),
}
DEFAULT_TEXT = gettext_lazy("Cette action ne vous est pas permise.")


@dataclass(frozen=True)
class Decision:
    """What the policy said: allowed or not, the machine-readable reason, and the rule that decided."""

    allowed: bool
    reason: str
    rule: str

    def __bool__(self) -> bool:
        return self.allowed


class AccessDenied(Refused):
    """Raised by access functions; ``hide`` means answer as if the resource did not exist (404).

    ``message`` is for people (translated, by rule); ``decision.reason`` is the developer's text, for the
    journal."""

    def __init__(self, decision: Decision, hide: bool = False):
        text = gettext(str(RULE_TEXT.get(decision.rule, DEFAULT_TEXT)))
        super().__init__(decision.rule, text, status=404 if hide else 403)
        self.decision = decision
        self.hide = hide
