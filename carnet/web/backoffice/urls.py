from django.urls import path

from carnet.web.backoffice import professionals, views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("courriers/", views.outbox_page, name="outbox"),
    path("courriers/<int:message_id>/lettre.pdf", views.letter, name="letter"),
    path("urgences/<int:access_id>/examen/", views.review, name="review"),
    path("contestations/<int:contest_id>/reponse/", views.answer, name="answer"),
    path("matrice/", views.matrix, name="matrix"),
    path("professionnels/", professionals.directory, name="professionals"),
    path("professionnels/<int:professional_id>/inviter/", professionals.invite, name="invite"),
    path("professionnels/imports/<int:batch_id>/inviter/", professionals.invite_import, name="invite-import"),
]
