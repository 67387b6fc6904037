from django.urls import path

from carnet.web.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("courriers/", views.outbox_page, name="outbox"),
    path("courriers/<int:message_id>/lettre.pdf", views.letter, name="letter"),
    path("urgences/<int:access_id>/examen/", views.review, name="review"),
    path("contestations/<int:contest_id>/reponse/", views.answer, name="answer"),
    path("matrice/", views.matrix, name="matrix"),
]
