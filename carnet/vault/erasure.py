"""The vault after a space's destruction (declared for ``carnet.identity.erasure``): ``destroy_space``
shreds the data key first; its row stays to refuse any later write or read for that patient."""

from carnet.identity.erasure import keep

keep("vault.DataKey", "the shredded key's row: the patient's id and the time of the shred, no key material")
