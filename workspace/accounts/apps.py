from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "workspace.accounts"
    label = "accounts"
    verbose_name = _("Members")

    def ready(self):
        from . import caching

        caching.connect()
        # Wagtail reads its user admin's viewset from this attribute when the admin URLs are built
        # (the documented way is a subclass of its AppConfig in INSTALLED_APPS; same effect).
        apps.get_app_config("wagtailusers").user_viewset = "workspace.accounts.viewsets.MemberUserViewSet"
