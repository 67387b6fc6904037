"""SMART App Launch (standalone, authorization code + PKCE S256) for referenced apps: django-oauth-toolkit's
authorization view with carnet's consent screen, on which the patient may leave out categories. The
token's scopes are what the app asked for, within what its file was referenced for, minus what the
patient left out: they only ever narrow."""

from django.shortcuts import render
from oauth2_provider.views import AuthorizationView

from carnet.catalogue import actions, queries
from carnet.catalogue.categories import CATEGORIES, category_of_scope
from carnet.errors import Refused
from carnet.web.actor import actor_for_request


class ConsentView(AuthorizationView):
    template_name = "catalogue/consent.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            client_id = request.GET.get("client_id") or request.POST.get("client_id", "")
            self.file = queries.live_file_for_client(client_id)
            if self.file is None:
                return render(request, "catalogue/not_referenced.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asked = self._allowed(str(kwargs.get("scopes") and " ".join(kwargs["scopes"]) or ""))
        context["file"] = self.file
        requests = list(self.file.requests.all())
        context["consent"] = [
            {
                "key": key,
                "label": CATEGORIES[key]["label"],
                "asks": [r for r in requests if r.category == key],
            }
            for key in CATEGORIES
            if any(category_of_scope(s) == key for s in asked)
        ]
        return context

    def _allowed(self, requested: str) -> list[str]:
        """Requested scopes within what the file was referenced for (non-data scopes such as launch/patient
        pass through)."""
        granted = queries.granted_scopes(self.file)
        return [s for s in requested.split() if s in granted or category_of_scope(s) is None]

    def form_valid(self, form):
        left_out = set(self.request.POST.getlist("omit"))
        scopes = [
            s
            for s in self._allowed(form.cleaned_data.get("scope", ""))
            if category_of_scope(s) not in left_out
        ]
        if form.cleaned_data.get("allow"):
            actor = actor_for_request(self.request)
            try:
                actions.record_connection(actor, actor.patient, self.file, scopes)
            except Refused:
                return render(self.request, "catalogue/not_referenced.html", status=403)
        form.cleaned_data["scope"] = " ".join(scopes)
        return super().form_valid(form)
