from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.identity.models import User


class SignInForm(forms.Form):
    login = forms.CharField(
        label=_("Identifiant"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Mot de passe"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ActivationForm(forms.Form):
    code = forms.CharField(label=_("Code provisoire reçu par courrier ou courriel"), max_length=20)
    login = forms.CharField(
        label=_("Identifiant de votre choix"),
        max_length=60,
        help_text=_("Ni votre numéro de sécurité sociale, ni votre adresse électronique."),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        help_text=_("Au moins 12 caractères ; évitez les mots de passe courants."),
    )
    email = forms.EmailField(label=_("Adresse électronique (facultatif)"), required=False)
    phone = forms.CharField(label=_("Téléphone mobile (facultatif)"), max_length=20, required=False)
    otp_channel = forms.ChoiceField(
        label=_("Recevoir les codes de connexion par"),
        choices=[(c, label) for c, label in User.OtpChannel.choices if c != User.OtpChannel.TOTP],
        initial=User.OtpChannel.EMAIL,
    )


class OppositionForm(forms.Form):
    code = forms.CharField(label=_("Code provisoire reçu par courrier ou courriel"), max_length=20)
    confirm = forms.BooleanField(label=_("Je refuse la création de mon espace de santé"))


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Mot de passe"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
