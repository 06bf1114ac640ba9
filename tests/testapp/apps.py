from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """Page types that exist only for the tests (installed by workspace.settings.test)."""

    name = "tests.testapp"
    label = "testapp"
