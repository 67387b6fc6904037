"""Who writes, reads, replies and closes, each rule with its refusal beside it (domain.md §6)."""

import pytest
from django.http import Http404

from carnet.access.decision import AccessDenied
from carnet.access.models import Block
from carnet.errors import Refused
from carnet.journal.models import Entry
from carnet.journal.queries import patient_journal
from carnet.messaging import actions, queries
from carnet.messaging.models import Conversation, Message
from carnet.messaging.tests.conftest import as_caregiver, as_operator, as_patient, as_pro

pytestmark = pytest.mark.django_db
HELLO = actions.Draft(body="Bonjour")


def _rule(call) -> str:
    with pytest.raises(AccessDenied) as denied:
        call()
    return denied.value.decision.rule


def test_the_gp_writes_to_his_patient(alice, bob, conversation):
    assert queries.subject_of(conversation) == "Résultats de prise de sang"
    assert [i.subject for i in queries.inbox(as_patient(alice))] == ["Résultats de prise de sang"]


def test_a_stranger_may_not_write_first(alice, dave, dave_box):
    assert _rule(lambda: actions.start_conversation(as_pro(dave), alice, dave_box, "Bonjour", HELLO)) == (
        "no-standing"
    )
    assert not Conversation.objects.filter(patient=alice).exists()


def test_a_blocked_professional_may_not_write_nor_read(alice, bob, bob_box, conversation):
    Block.objects.create(patient=alice, professional=bob)
    assert _rule(lambda: actions.start_conversation(as_pro(bob), alice, bob_box, "Re", HELLO)) == "blocked"
    assert _rule(lambda: actions.send_message(as_pro(bob), conversation, HELLO)) == "blocked"
    with pytest.raises(Refused):
        actions.open_conversation(as_pro(bob), conversation.pk)
    assert queries.inbox(as_pro(bob)) == []


def test_an_operator_never_reads_a_conversation(erin, conversation):
    with pytest.raises(Refused) as refused:
        actions.open_conversation(as_operator(erin), conversation.pk)
    assert refused.value.status == 404
    assert queries.inbox(as_operator(erin)) == []


def test_a_caregiver_with_the_messaging_scope_reads_and_replies(alice, conversation):
    helper = as_caregiver(alice, ["messaging"])
    assert actions.open_conversation(helper, conversation.pk) == conversation
    message = actions.send_message(helper, conversation, actions.Draft(body="Je transmets à Alice."))
    assert message.side == Message.Side.PATIENT
    assert Entry.objects.filter(action="messaging:message:send", on_behalf_of_patient_id=alice.pk).exists()


def test_a_read_only_caregiver_reads_no_message(alice, conversation):
    reader = as_caregiver(alice, ["read"])
    with pytest.raises(Refused):
        actions.open_conversation(reader, conversation.pk)
    assert _rule(lambda: actions.send_message(reader, conversation, HELLO)) == "mandate-scope"
    assert queries.inbox(reader) == []


def test_after_closure_the_patient_reads_but_nobody_replies(alice, bob, conversation):
    actions.close_conversation(as_pro(bob), conversation)
    assert actions.open_conversation(as_patient(alice), conversation.pk).is_closed
    assert (
        _rule(lambda: actions.send_message(as_patient(alice), conversation, HELLO)) == "conversation-closed"
    )
    assert _rule(lambda: actions.send_message(as_pro(bob), conversation, HELLO)) == "conversation-closed"


def test_only_the_professional_side_closes(alice, conversation):
    assert _rule(lambda: actions.close_conversation(as_patient(alice), conversation)) == "mailbox-closes"


def test_after_closure_of_the_space_nothing_is_read_or_written(alice, bob, conversation):
    type(alice).objects.filter(pk=alice.pk).update(state="closed")
    alice.refresh_from_db()
    conversation.refresh_from_db()
    with pytest.raises(Refused):
        actions.open_conversation(as_patient(alice), conversation.pk)
    assert _rule(lambda: actions.send_message(as_pro(bob), conversation, HELLO)) == "space-not-open"
    assert queries.inbox(as_pro(bob)) == []


def test_the_patient_writes_first_to_a_pharmacy_and_to_the_gp(alice, bob, bob_box, pharmacy):
    alice_actor = as_patient(alice)
    assert {m.pk for m in queries.writable_mailboxes(alice_actor)} == {bob_box.pk, pharmacy.pk}
    asked = actions.start_conversation(
        alice_actor, alice, pharmacy, "Ordonnance", actions.Draft(body="Prête ?")
    )
    notice = asked.messages.get(side=Message.Side.SERVICE)
    assert "15" in queries.thread(asked)[-1].body and notice is not None
    assert actions.start_conversation(alice_actor, alice, bob_box, "Question", HELLO).started_by_patient


def test_the_patient_writes_first_only_where_it_is_accepted(alice, dave, dave_box):
    alice_actor = as_patient(alice)
    call = lambda: actions.start_conversation(alice_actor, alice, dave_box, "Rendez-vous", HELLO)  # noqa: E731
    assert _rule(call) == "mailbox-not-open-to-patients"
    actions.set_mailbox_settings(as_pro(dave), dave_box, accepts=True, delay_days=5)
    conversation = call()
    assert "5 jours" in queries.thread(conversation)[-1].body


def test_only_the_owner_opens_a_mailbox_to_patients(alice, bob, dave_box):
    with pytest.raises(Refused):
        actions.set_mailbox_settings(as_pro(bob), dave_box, accepts=True, delay_days=5)


def test_reading_is_journaled_and_shown_in_the_patients_journal(alice, bob, conversation):
    actions.open_conversation(as_pro(bob), conversation.pk)
    lines = patient_journal(as_patient(alice), alice)
    assert any(line.what == "a lu une conversation de messagerie" and "Bob" in line.who for line in lines)
    assert any(line.what == "a commencé une conversation de messagerie" for line in lines)


def test_read_state_is_per_participant(alice, bob, conversation):
    assert queries.inbox(as_patient(alice))[0].unread
    actions.open_conversation(as_patient(alice), conversation.pk)
    assert not queries.inbox(as_patient(alice))[0].unread
    actions.send_message(as_patient(alice), conversation, actions.Draft(body="Merci"))
    assert queries.inbox(as_pro(bob))[0].unread
    assert not queries.inbox(as_patient(alice))[0].unread


def test_archive_and_search_of_ones_own_conversations(alice, bob, bob_box, conversation):
    other = actions.start_conversation(
        as_pro(bob), alice, bob_box, "Vaccin", actions.Draft(body="Rappel tétanos")
    )
    alice_actor = as_patient(alice)
    assert [i.conversation for i in queries.inbox(alice_actor, text="tétanos")] == [other]
    assert [i.conversation for i in queries.inbox(alice_actor, text="sang")] == [conversation]
    actions.archive_conversation(alice_actor, conversation)
    assert [i.conversation for i in queries.inbox(alice_actor)] == [other]
    assert [i.conversation for i in queries.inbox(alice_actor, archived=True)] == [conversation]
    assert [i.conversation for i in queries.inbox(as_pro(bob))] == [other, conversation]  # archive is hers


def test_a_stranger_cannot_open_someone_elses_conversation(dave, conversation):
    with pytest.raises(Http404):
        queries.get_conversation(as_pro(dave), conversation.pk)
