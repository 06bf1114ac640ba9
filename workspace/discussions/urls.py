from django.urls import path

from . import views

app_name = "discussions"

urlpatterns = [
    path("pages/<int:page_id>/comments/", views.post, name="post"),
    path("pages/<int:page_id>/thread/", views.page_thread, name="page_thread"),
    path("pages/<int:page_id>/panel/", views.part_panel, name="part_panel"),
    path("pages/<int:page_id>/mentions/", views.mention_candidates, name="mention_candidates"),
    path("comments/<int:comment_id>/edit/", views.edit, name="edit"),
    path("comments/<int:comment_id>/delete/", views.delete, name="delete"),
    path("comments/<int:comment_id>/flag/", views.flag, name="flag"),
    path("comments/<int:comment_id>/hide/", views.hide, name="hide"),
    path("comments/<int:comment_id>/restore/", views.restore, name="restore"),
    path("comments/<int:comment_id>/form/<slug:action>/", views.comment_form, name="comment_form"),
    path("comments/<int:comment_id>/moderate/<slug:action>/", views.moderation_form, name="moderation_form"),
    path("threads/<int:thread_id>/lock/", views.lock, name="lock"),
    path("threads/<int:thread_id>/unlock/", views.unlock, name="unlock"),
    path("threads/<int:thread_id>/comments/", views.comments, name="comments"),
    path("threads/<int:thread_id>/events/", views.events, name="events"),
    path("threads/<int:thread_id>/older/", views.older, name="older"),
    path("threads/<int:thread_id>/follow/", views.follow, name="follow"),
    path("threads/<int:thread_id>/unfollow/", views.unfollow, name="unfollow"),
]
