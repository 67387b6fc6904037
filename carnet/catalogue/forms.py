from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.catalogue.categories import CATEGORIES, CRITERIA, THEMES
from carnet.catalogue.models import ApplicationFile, Review

DATE = forms.DateInput(attrs={"type": "date"})


class FileForm(forms.ModelForm):
    """The editor's file; one reason field per category and mode (filled = asked for)."""

    privacy_notice_url = forms.URLField(label=_("Politique de confidentialité"), assume_scheme="https")
    jwks_url = forms.URLField(
        label=_("Adresse des clés publiques (JWKS)"), assume_scheme="https", required=False
    )

    class Meta:
        model = ApplicationFile
        fields = [
            "name",
            "editor_name",
            "purpose",
            "theme",
            "retention",
            "hds_reference",
            "dpia_reference",
            "privacy_notice_url",
            "redirect_uris",
            "jwks_url",
            "jwks",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "redirect_uris": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = (
            {(r.category, r.mode): r.reason for r in self.instance.requests.all()} if self.instance.pk else {}
        )
        for key, value in CATEGORIES.items():
            for mode in ("read", "write"):
                if value[mode]:
                    verb = _("lire") if mode == "read" else _("écrire")
                    self.fields[f"reason_{key}_{mode}"] = forms.CharField(
                        label=f"{verb} : {value['label']} — {_('pourquoi (vide = non demandé)')}",
                        required=False,
                        max_length=300,
                        initial=existing.get((key, mode), ""),
                    )

    def requests(self) -> list[tuple[str, str, str]]:
        found = []
        for name, value in self.cleaned_data.items():
            if name.startswith("reason_") and value.strip():
                _prefix, key, mode = name.split("_", 2)
                found.append((key, mode, value))
        return found

    def file_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"), choices=Review.Decision.choices, widget=forms.RadioSelect
    )
    checklist = forms.MultipleChoiceField(
        label=_("Critères vérifiés"), choices=CRITERIA, required=False, widget=forms.CheckboxSelectMultiple
    )
    reasons = forms.CharField(label=_("Motifs"), widget=forms.Textarea(attrs={"rows": 3}))
    until = forms.DateField(label=_("Référencée jusqu'au"), required=False, widget=DATE)


class BrowseForm(forms.Form):
    theme = forms.ChoiceField(label=_("Catégorie"), choices=[("", _("toutes"))] + THEMES, required=False)
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
