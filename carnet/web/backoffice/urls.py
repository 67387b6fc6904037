from django.urls import path

from carnet.web.backoffice import people, printing, professionals, research, views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("courriers/", views.outbox_page, name="outbox"),
    path("courriers/<int:message_id>/lettre.pdf", views.letter, name="letter"),
    path("urgences/<int:access_id>/examen/", views.review, name="review"),
    path("contestations/<int:contest_id>/reponse/", views.answer, name="answer"),
    path("matrice/", views.matrix, name="matrix"),
    path("recherche/", research.studies, name="research"),
    path("recherche/etudes/<int:study_id>/extrait/", research.new_extract, name="research-extract"),
    path("recherche/extraits/<int:extract_id>.csv", research.download_extract, name="research-download"),
    path("professionnels/", professionals.directory, name="professionals"),
    path("professionnels/<int:professional_id>/inviter/", professionals.invite, name="invite"),
    path("professionnels/imports/<int:batch_id>/inviter/", professionals.invite_import, name="invite-import"),
    path("personnes/", people.search, name="people"),
    path("personnes/<int:patient_id>/", people.person, name="person"),
    path("personnes/<int:patient_id>/demande/<str:kind>/", people.paper_request, name="paper-request"),
    path("personnes/<int:patient_id>/representants/", people.add_representative, name="add-representative"),
    path("representants/<int:rep_id>/fin/", people.end_representative, name="end-representative"),
    path("courriers/lots/", printing.create_batch, name="print-batch"),
    path("courriers/lots/<int:batch_id>/lot.pdf", printing.batch_pdf, name="batch-pdf"),
    path("courriers/lots/<int:batch_id>/imprime/", printing.batch_printed, name="batch-printed"),
]
