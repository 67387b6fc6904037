"""What a space's destruction erases of research (declared for ``carnet.identity.erasure``): the choice,
the answers to studies and the list of extracts the person was in. An extract already delivered to a study
stays as delivered (pseudonymised lines, no identity: the study's own retention applies)."""

from carnet.identity.erasure import delete_rows

delete_rows("research.ResearchChoice")
delete_rows("research.StudyConsent")
delete_rows("research.Inclusion")
