"""What a space's destruction erases of the apps' data (declared for ``carnet.identity.erasure``); the
patient's connections (OAuth tokens) go with their account."""

from carnet.identity.erasure import delete_rows

delete_rows("catalogue.Measurement")
