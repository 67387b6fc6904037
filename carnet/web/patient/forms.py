from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.records.codes import TYPES
from carnet.records.models import ProfileEntry, Visibility, Wish


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    type_code = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("tous"))] + [(k, v[1]) for k, v in TYPES.items()]
    )
    date_from = forms.DateField(
        label=_("Depuis le"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Qui peut voir ce document ?"), choices=Visibility.choices, widget=forms.RadioSelect
    )


class UploadForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    care_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("Fichier (PDF, image, texte)"))


class ProfileEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Catégorie"), choices=ProfileEntry.Kind.choices)
    label = forms.CharField(label=_("Libellé"), max_length=200)
    value = forms.CharField(label=_("Valeur (mesures)"), max_length=40, required=False)
    unit = forms.CharField(label=_("Unité"), max_length=20, required=False)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class WishForm(forms.Form):
    kind = forms.ChoiceField(label=_("Volonté"), choices=Wish.Kind.choices)
    text = forms.CharField(label=_("Texte"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    name = forms.CharField(label=_("Nom de la personne"), required=False, max_length=200)
    phone = forms.CharField(label=_("Téléphone"), required=False, max_length=20)
    organ_donation = forms.ChoiceField(
        label=_("Don d'organes"), required=False, choices=[("", "—"), ("oui", _("oui")), ("non", _("non"))]
    )


class SettingsForm(forms.Form):
    confirmed_mode = forms.BooleanField(label=_("Je confirme moi-même chaque nouvel accès"), required=False)
    refuses_emergency = forms.BooleanField(
        label=_("Je refuse l'accès en urgence (bris de glace)"), required=False
    )
    refuses_samu = forms.BooleanField(
        label=_("Je refuse l'accès du médecin régulateur du SAMU"), required=False
    )
    gp_sees_masked = forms.BooleanField(
        label=_("Mon médecin traitant voit mes documents masqués"), required=False
    )


class JournalFilterForm(forms.Form):
    qui = forms.ChoiceField(
        label=_("Afficher"),
        required=False,
        widget=forms.RadioSelect,
        initial="others",
        choices=[
            ("others", _("les accès des professionnels et des autres personnes")),
            ("mine", _("mes propres actions et les opérations automatiques")),
            ("all", _("tout")),
        ],
    )
    du = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    urgence = forms.BooleanField(label=_("Seulement les accès en urgence"), required=False)
    refus = forms.BooleanField(label=_("Seulement les accès refusés"), required=False)


class ContestForm(forms.Form):
    text = forms.CharField(
        label=_("Pourquoi contestez-vous cet accès ?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ClosureForm(forms.Form):
    early_destruction = forms.BooleanField(
        label=_(
            "Détruire mon dossier dès la fin du délai de réflexion (7 jours) plutôt que l'archiver 10 ans"
        ),
        required=False,
    )
    confirm = forms.BooleanField(label=_("Je comprends que mon espace ne sera plus accessible à personne"))


class NotificationForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Comment voulez-vous être prévenu ?"),
        required=False,
        choices=[
            ("", _("automatique (courriel, sinon SMS, sinon courrier)")),
            ("email", _("courriel")),
            ("sms", _("SMS")),
            ("letter", _("courrier postal")),
        ],
    )
    daily_digest = forms.BooleanField(
        label=_(
            "Un résumé par jour plutôt qu'un message à chaque fois (les urgences "
            "sont toujours signalées tout de suite)"
        ),
        required=False,
    )


class MandateForm(forms.Form):
    login = forms.CharField(label=_("Identifiant carnet de la personne"), max_length=60)
    scopes = forms.MultipleChoiceField(
        label=_("Ce qu'elle peut faire"),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("read", _("consulter mon dossier")),
            ("documents", _("gérer mes documents")),
            ("messaging", _("messagerie")),
        ],
    )
    days = forms.IntegerField(label=_("Durée (jours)"), min_value=1, max_value=365, initial=365)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Langue de mes courriers et de mes documents PDF"),
        choices=[("fr", "Français"), ("en", "English")],
    )
