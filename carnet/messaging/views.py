"""Messaging pages for patients (and those acting for them), professionals and operators: parse, call one
action or query, render. Work without JavaScript: every change is a form post."""

from contextlib import contextmanager

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.access.decision import AccessDenied
from carnet.errors import Refused
from carnet.messaging import actions, forms, queries
from carnet.records.actions import DocumentMetadata
from carnet.web.auth.decorators import operator_required, patient_required, professional_required
from carnet.web.errors import refusals
from carnet.web.pro.views import found_patient


@contextmanager
def _refusals(request, form=None):
    """The house's refusal messages, plus messaging's own (empty message, used slip, not the owner)."""
    try:
        with refusals(request, form):
            yield
    except Refused as refused:
        if isinstance(refused, AccessDenied):
            raise
        (
            form.add_error(None, refused.message)
            if form is not None
            else messages.error(request, refused.message)
        )


def _uploads(form, deposit: DocumentMetadata | None = None) -> list[actions.Upload]:
    upload = form.cleaned_data.get("file")
    if not upload:
        return []
    return [actions.Upload(upload.name, upload.read(), upload.content_type or "", deposit=deposit)]


def _space(request) -> str:
    return "pro" if request.actor.professional is not None else "patient"


BASES = {"pro": "web/pro/base.html", "patient": "web/patient/base.html"}


# --- both sides ---------------------------------------------------------------------------------------


def _inbox(request, template):
    form = forms.SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    archived = request.GET.get("archive") == "1"
    items = queries.inbox(request.actor, archived=archived, text=text)
    return render(request, template, {"items": items, "form": form, "archived": archived})


def _conversation(request, conversation_id, reply_form):
    conversation = actions.open_conversation(request.actor, conversation_id)
    context = {
        "conversation": conversation,
        "subject": queries.subject_of(conversation),
        "thread": queries.thread(conversation),
        "form": reply_form,
        "file_form": forms.FileForm(),
        "space": _space(request),
        "base": BASES[_space(request)],
    }
    return render(request, "messaging/conversation.html", context)


def _reply(request, conversation_id, form_class, deposit_of=None):
    conversation = queries.get_conversation(request.actor, conversation_id)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        deposit = deposit_of(form) if deposit_of else None
        draft = actions.Draft(
            body=form.cleaned_data["body"],
            uploads=_uploads(form, deposit),
            asks_reply=form.cleaned_data.get("asks_reply", False),
        )
        with _refusals(request, form):
            actions.send_message(request.actor, conversation, draft)
            messages.success(request, _("Votre message a été envoyé."))
            return redirect(f"{_space(request)}-messages:conversation", conversation_id=conversation.pk)
    return _conversation(request, conversation_id, form)


def _download(request, attachment_id):
    attachment, name, content = queries.attachment_content(request.actor, attachment_id)
    response = HttpResponse(content, content_type=attachment.mime_type)
    response["Content-Disposition"] = f'attachment; filename="{name.encode("ascii", "replace").decode()}"'
    return response


# --- patients, representatives, caregivers -------------------------------------------------------------


@patient_required
def patient_inbox(request):
    return _inbox(request, "messaging/patient_inbox.html")


@patient_required
def patient_compose(request):
    mailboxes = queries.writable_mailboxes(request.actor)
    form = forms.ComposeForm(request.POST or None, request.FILES or None, mailboxes=mailboxes)
    if request.method == "POST" and form.is_valid():
        mailbox = next(m for m in mailboxes if m.pk == form.cleaned_data["mailbox"])
        draft = actions.Draft(body=form.cleaned_data["body"], uploads=_uploads(form))
        with _refusals(request, form):
            conversation = actions.start_conversation(
                request.actor, request.actor.patient, mailbox, form.cleaned_data["subject"], draft
            )
            return redirect("patient-messages:conversation", conversation_id=conversation.pk)
    return render(
        request,
        "messaging/compose.html",
        {"form": form, "mailboxes": mailboxes, "space": "patient", "base": BASES["patient"]},
    )


@patient_required
def patient_conversation(request, conversation_id):
    return _conversation(request, conversation_id, forms.ReplyForm())


@require_POST
@patient_required
def patient_reply(request, conversation_id):
    return _reply(request, conversation_id, forms.ReplyForm)


@require_POST
@patient_required
def patient_archive(request, conversation_id):
    conversation = queries.get_conversation(request.actor, conversation_id)
    archived = request.POST.get("archive") == "1"
    with _refusals(request):
        actions.archive_conversation(request.actor, conversation, archived)
        messages.success(
            request, _("Conversation rangée.") if archived else _("Conversation remise dans la boîte.")
        )
    return redirect("patient-messages:inbox")


@patient_required
def patient_download(request, attachment_id):
    return _download(request, attachment_id)


@require_POST
@patient_required
def patient_file(request, attachment_id):
    attachment = queries.get_attachment(request.actor, attachment_id)
    form = forms.FileForm(request.POST)
    title = form.cleaned_data["title"] if form.is_valid() else ""
    with _refusals(request):
        document = actions.file_attachment(request.actor, attachment, title)
        messages.success(request, _("La pièce jointe est classée dans vos documents."))
        return redirect("patient:document", document_id=document.pk)
    return redirect("patient-messages:conversation", conversation_id=attachment.message.conversation_id)


# --- professionals ---------------------------------------------------------------------------------------


def _deposit_of(form) -> DocumentMetadata | None:
    type_code = form.cleaned_data.get("deposit_type")
    if not type_code or not form.cleaned_data.get("file"):
        return None
    upload = form.cleaned_data["file"]
    return DocumentMetadata(
        unique_id=f"urn:uuid:{timezone.now().timestamp()}-{upload.size}",
        type_code=type_code,
        title=form.cleaned_data.get("title") or upload.name,
        care_date=timezone.localdate(),
        mime_type=upload.content_type or "",
    )


@professional_required
def pro_inbox(request):
    return _inbox(request, "messaging/pro_inbox.html")


@professional_required
def pro_compose(request, patient_ref):
    patient = found_patient(request, patient_ref)
    mailboxes = queries.mailboxes_of(request.actor.professional) or [actions.personal_mailbox(request.actor)]
    form = forms.ProComposeForm(request.POST or None, request.FILES or None, mailboxes=mailboxes)
    if request.method == "POST" and form.is_valid():
        mailbox = next(m for m in mailboxes if m.pk == form.cleaned_data["mailbox"])
        draft = actions.Draft(
            body=form.cleaned_data["body"],
            uploads=_uploads(form, _deposit_of(form)),
            asks_reply=form.cleaned_data["asks_reply"],
        )
        with _refusals(request, form):
            conversation = actions.start_conversation(
                request.actor, patient, mailbox, form.cleaned_data["subject"], draft
            )
            return redirect("pro-messages:conversation", conversation_id=conversation.pk)
    context = {"form": form, "patient": patient, "space": "pro", "base": BASES["pro"]}
    return render(request, "messaging/compose.html", context)


@professional_required
def pro_conversation(request, conversation_id):
    return _conversation(request, conversation_id, forms.ProReplyForm())


@require_POST
@professional_required
def pro_reply(request, conversation_id):
    return _reply(request, conversation_id, forms.ProReplyForm, _deposit_of)


@require_POST
@professional_required
def pro_close(request, conversation_id):
    conversation = queries.get_conversation(request.actor, conversation_id)
    with _refusals(request):
        actions.close_conversation(request.actor, conversation)
        messages.success(request, _("Conversation close : le patient peut la relire mais plus y répondre."))
    return redirect("pro-messages:conversation", conversation_id=conversation.pk)


@professional_required
def pro_download(request, attachment_id):
    return _download(request, attachment_id)


@professional_required
def pro_settings(request):
    mailbox = actions.personal_mailbox(request.actor)
    initial = {"accepts": mailbox.accepts_patient_messages, "delay_days": mailbox.answer_delay_days}
    form = forms.MailboxSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with _refusals(request, form):
            actions.set_mailbox_settings(
                request.actor,
                mailbox,
                accepts=form.cleaned_data["accepts"],
                delay_days=form.cleaned_data["delay_days"],
            )
            messages.success(request, _("Réglages enregistrés."))
            return redirect("pro-messages:settings")
    return render(request, "messaging/pro_settings.html", {"form": form, "mailbox": mailbox})


# --- operators: paper replies -----------------------------------------------------------------------------


@operator_required
def paper_reply(request):
    form = forms.PaperReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        scan = form.cleaned_data["scan"]
        with _refusals(request, form):
            actions.record_paper_reply(
                request.actor, form.cleaned_data["code"], scan.read(), scan.content_type or ""
            )
            messages.success(request, _("La réponse papier est enregistrée et transmise."))
            return redirect("ops-messages:paper-reply")
    return render(request, "messaging/paper_reply.html", {"form": form})
