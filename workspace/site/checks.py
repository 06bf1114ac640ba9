"""Deploy checks: a production deployment must not run on the zero-config defaults."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.database, deploy=True)
def check_production_database(app_configs, **kwargs):
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return [
            Error(
                "SQLite is for local development only.",
                hint="Set DATABASE_URL to a PostgreSQL database.",
                id="workspace.E001",
            )
        ]
    return []


@register(deploy=True)
def check_production_channel_layer(app_configs, **kwargs):
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if backend == "channels.layers.InMemoryChannelLayer":
        return [
            Error(
                "The in-memory channel layer works within one process only.",
                hint="Set REDIS_URL so that every web process shares the Redis channel layer.",
                id="workspace.E002",
            )
        ]
    return []
