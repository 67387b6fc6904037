"""The journal stays after a space's destruction (declared for ``carnet.identity.erasure``)."""

from carnet.identity.erasure import keep

keep(
    "journal.Entry",
    "tamper-evident and hash-chained: it keeps who acted (ids, role, the actor's label), on whose behalf, "
    "the action, the resource's id, the channel, the time and the decision; codes only, no clinical content",
)
