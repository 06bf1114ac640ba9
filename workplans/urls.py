from django.urls import path

from . import views

app_name = "workplans"

urlpatterns = [
    path("<int:plan_id>/progress/", views.report_progress, name="progress"),
    path("<int:plan_id>/activities/<uuid:activity_uuid>/history/", views.activity_history, name="activity_history"),
    path("<int:plan_id>/export.<str:file_format>", views.export_plan, name="export_plan"),
    path("dashboard/export.<str:file_format>", views.export_dashboard, name="export_dashboard"),
]
