from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.invitation_list, name="invitations"),
    path("<int:pk>/resend/", views.resend_invitation, name="resend_invitation"),
    path("<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("accept/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
