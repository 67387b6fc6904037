from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.access.actions import EMERGENCY_REASONS
from carnet.access.sensitivity import CATEGORIES
from carnet.records.codes import TYPES


class FindForm(forms.Form):
    nir = forms.CharField(label=_("Numéro de sécurité sociale (INS)"), max_length=25)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=forms.DateInput(attrs={"type": "date"}))


class PresenceCodeForm(forms.Form):
    code = forms.CharField(label=_("Code de présence donné par le patient"), max_length=12)


class BreakGlassForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Motif"), choices=list(EMERGENCY_REASONS.items()))
    reason_text = forms.CharField(
        label=_("Explication (obligatoire)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    samu = forms.BooleanField(label=_("Je suis médecin régulateur du SAMU"), required=False)


class DepositForm(forms.Form):
    type_code = forms.ChoiceField(
        label=_("Type de document"),
        choices=[(k, v[1]) for k, v in TYPES.items() if k not in {"REMB", "ATTEST-RESID"}],
    )
    title = forms.CharField(label=_("Titre"), max_length=200)
    care_date = forms.DateField(label=_("Date de l'acte"), widget=forms.DateInput(attrs={"type": "date"}))
    sensitive_category = forms.ChoiceField(
        label=_("Catégorie sensible (proposée masquée au patient)"),
        required=False,
        choices=[("", _("aucune"))] + list(CATEGORIES.items()),
    )
    hide_days = forms.IntegerField(
        label=_("Retenir pour une consultation d'annonce (jours, 30 au plus)"),
        required=False,
        min_value=1,
        max_value=30,
    )
    file = forms.FileField(label=_("Fichier"))
