"""The words of the invitation (e-mail or letter), in the language active when it is built."""

from django.conf import settings
from django.utils.translation import gettext as _


def invitation_text(patient, code: str, paper: list[str], *, window_open: bool) -> tuple[str, str]:
    """Subject and body. ``paper``: the sign-in codes printed on a letter (no e-mail, no mobile needed)."""
    subject = _("Votre espace de santé carnet")
    body = _(
        "Bonjour %(name)s,\n\nUn espace de santé a été préparé pour vous. Pour l'activer, rendez-vous sur "
        "%(site)s/activation/ avec ce code provisoire : %(code)s (valable %(days)d jours).\n\n"
        "Si vous ne souhaitez pas d'espace, vous pouvez vous y opposer avec le même code sur "
        "%(site)s/opposition/ jusqu'au %(deadline)s : rien ne sera conservé."
    ) % {
        "name": patient.display_name,
        "site": settings.SITE_URL,
        "code": code,
        "days": settings.CARNET_INVITATION_DAYS,
        "deadline": f"{patient.opposition_deadline:%d/%m/%Y}",
    }
    if not window_open:  # a new code after the window: the space is already open
        body = "\n\n".join(body.split("\n\n")[:2])  # the greeting and the code, no opposition
    if paper:
        body += "\n\n" + paper_sign_in_text(paper)
    return subject, body


def paper_sign_in_text(paper: list[str]) -> str:
    """Plain French for someone with neither e-mail nor mobile: the list below is their second key."""
    listed = "\n".join(f"  {n:>2}.  {c[:4]} {c[4:]}" for n, c in enumerate(paper, 1))
    return _(
        "Vous n'avez pas d'adresse électronique ni de téléphone portable ? Ce n'est pas un problème.\n"
        "Pour vous connecter, carnet vous demandera votre mot de passe puis un des codes de la liste "
        "ci-dessous. Lors de l'activation, choisissez « liste de codes reçue par courrier ».\n"
        "Chaque code ne sert qu'une seule fois : rayez-le après usage. Gardez cette lettre chez vous, "
        "à l'abri, et ne notez pas votre mot de passe dessus.\n"
        "Quand il ne vous reste plus que deux codes, demandez une nouvelle liste dans votre espace "
        "(rubrique « Notifications ») ou par téléphone au %(phone)s : elle vous sera envoyée par la "
        "poste.\n"
        "Un proche ou un conseiller France Services peut vous aider à activer votre espace. Si vous le "
        "souhaitez, vous pouvez ensuite lui donner un mandat pour agir pour vous.\n\n"
        "Vos codes de connexion :\n%(codes)s"
    ) % {"phone": settings.CARNET_HELP_PHONE, "codes": listed}
