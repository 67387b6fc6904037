from django.urls import path

from carnet.web.auth import enrol, oidc, recovery, views

app_name = "auth"
urlpatterns = [
    path("connexion/", views.sign_in, name="sign-in"),
    path("connexion/code/", views.sign_in_code, name="sign-in-code"),
    path("connexion/nouveau-code/", views.resend_code, name="resend-code"),
    path("connexion/confirmer/", views.reauth, name="reauth"),
    path("connexion/application/", views.totp_setup, name="totp-setup"),
    path("connexion/avec/<slug:slug>/", oidc.start, name="provider-start"),
    path("connexion/avec/<slug:slug>/retour/", oidc.callback, name="provider-callback"),
    path("connexion/inscription/<str:token>/", enrol.enrol, name="enrol"),
    path("deconnexion/", views.sign_out, name="sign-out"),
    path("activation/", views.activate, name="activate"),
    path("opposition/", views.oppose, name="oppose"),
    path("connexion/nouveau-code-provisoire/", recovery.new_code, name="new-code"),
    path("connexion/mot-de-passe-oublie/", recovery.forgot_password, name="forgot-password"),
    path(
        "connexion/nouveau-mot-de-passe/<str:uid>/<str:token>/",
        recovery.reset_password,
        name="reset-password",
    ),
]
