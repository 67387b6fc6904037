"""The messaging pages' forms: compose, reply, file, mailbox settings, paper reply."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.records.codes import TYPES


class ComposeForm(forms.Form):
    mailbox = forms.TypedChoiceField(label=_("Destinataire"), coerce=int)
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label=_("Pièce jointe (facultatif)"), required=False)

    def __init__(self, *args, mailboxes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].choices = [(m.pk, m.name) for m in mailboxes]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Votre réponse"), widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(label=_("Pièce jointe (facultatif)"), required=False)


class ProReplyForm(ReplyForm):
    """A professional may deposit the attachment in the record in the same step (typed, like a deposit)."""

    deposit_type = forms.ChoiceField(
        label=_("Déposer aussi la pièce jointe dans le dossier, comme"),
        required=False,
        choices=[("", _("ne pas déposer"))]
        + [(k, v[1]) for k, v in TYPES.items() if k not in {"REMB", "ATTEST-RESID", "EXPPAT_1", "EXPPAT_3"}],
    )
    title = forms.CharField(label=_("Titre du document déposé"), max_length=200, required=False)
    asks_reply = forms.BooleanField(label=_("J'attends une réponse du patient"), required=False)


class ProComposeForm(ProReplyForm):
    mailbox = forms.TypedChoiceField(label=_("Depuis la messagerie"), coerce=int)
    subject = forms.CharField(label=_("Objet"), max_length=200)
    field_order = ["mailbox", "subject", "body", "file", "deposit_type", "title", "asks_reply"]

    def __init__(self, *args, mailboxes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].choices = [(m.pk, m.name) for m in mailboxes]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher dans mes conversations"), required=False, max_length=100)


class FileForm(forms.Form):
    title = forms.CharField(label=_("Titre dans votre dossier"), max_length=200, required=False)


class MailboxSettingsForm(forms.Form):
    accepts = forms.BooleanField(label=_("Les patients peuvent m'écrire les premiers"), required=False)
    delay_days = forms.IntegerField(label=_("Délai de réponse annoncé (jours)"), min_value=1, max_value=60)


class PaperReplyForm(forms.Form):
    code = forms.CharField(label=_("Code du coupon-réponse"), max_length=20)
    scan = forms.FileField(label=_("Coupon scanné (PDF ou image)"))
