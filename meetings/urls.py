from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("<int:page_id>/rsvp/", views.rsvp, name="rsvp"),
    path("<int:page_id>/calendar.ics", views.meeting_ics, name="ics"),
    path("<int:page_id>/roster/", views.roster, name="roster"),
    path("<int:page_id>/roster.csv", views.roster_csv, name="roster_csv"),
    path("calendar/", views.calendar_subscription, name="subscription"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
