from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.agenda.actions import REMINDER_CHOICES

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
REMINDER_LABELS = {60: _("une heure avant"), 24 * 60: _("la veille"), 7 * 24 * 60: _("une semaine avant")}


class EventForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Début"), widget=LOCAL)
    ends_at = forms.DateTimeField(label=_("Fin (facultatif)"), widget=LOCAL, required=False)
    location = forms.CharField(label=_("Lieu (facultatif)"), max_length=200, required=False)
    reminders = forms.TypedMultipleChoiceField(
        label=_("Me le rappeler"),
        choices=[(m, REMINDER_LABELS[m]) for m in REMINDER_CHOICES],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ProEventForm(EventForm):
    nir = forms.CharField(label=_("NIR du patient"), max_length=15)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ["nir", "birth_date", "title", "starts_at", "ends_at", "location"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reminders"]


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Nouveau début"), widget=LOCAL)
    ends_at = forms.DateTimeField(label=_("Nouvelle fin (facultatif)"), widget=LOCAL, required=False)


class ReminderForm(forms.Form):
    reminders = forms.TypedMultipleChoiceField(
        label=_("Me le rappeler"),
        choices=[(m, REMINDER_LABELS[m]) for m in REMINDER_CHOICES],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
