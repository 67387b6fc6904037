from django.urls import path

from carnet.agenda import views

app_name = "agenda"
urlpatterns = [
    path("patient/agenda/", views.agenda, name="patient"),
    path("patient/agenda/flux/", views.feed_settings, name="feed-settings"),
    path("patient/agenda/flux/<str:token>.ics", views.feed, name="feed"),
    path("patient/agenda/prevention/<int:proposal_id>/", views.answer, name="answer"),
    path("patient/agenda/<uuid:uid>/", views.event, name="event"),
    path("patient/agenda/<uuid:uid>/evenement.ics", views.event_ics, name="event-ics"),
    path("patient/agenda/<uuid:uid>/<str:what>/", views.change, name="change"),
    path("pro/agenda/", views.pro_agenda, name="pro"),
    path("pro/agenda/<uuid:uid>/", views.pro_event, name="pro-event"),
]
