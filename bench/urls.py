"""The workspace's URLs plus the bare yardstick (bench/settings.py; never in production)."""

from django.urls import path

from bench.views import bare
from workspace.urls import handler500
from workspace.urls import urlpatterns as workspace_urlpatterns

__all__ = ["handler500", "urlpatterns"]

urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *workspace_urlpatterns]
