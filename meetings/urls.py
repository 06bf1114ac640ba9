from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("<int:page_id>/rsvp/", views.rsvp, name="rsvp"),
    path("<int:page_id>/calendar.ics", views.meeting_ics, name="ics"),
    path("<int:page_id>/roster/", views.roster, name="roster"),
    path("<int:page_id>/roster.csv", views.roster_csv, name="roster_csv"),
    path("<int:page_id>/proposals/", views.propose, name="propose"),
    path("<int:page_id>/proposals/<int:proposal_id>/decide/", views.decide_proposal, name="decide_proposal"),
    path("<int:page_id>/corrections/", views.correct, name="correct"),
    path("<int:page_id>/corrections/<int:correction_id>/decide/", views.decide_correction, name="decide_correction"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("calendar/", views.calendar_subscription, name="subscription"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
