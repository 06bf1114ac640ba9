from django.core.management.base import BaseCommand

from workspace.site.setup import setup_workspace


class Command(BaseCommand):
    help = (
        "Create (idempotently) the locales, page tree, nine governments, four pillars, "
        "groups, page permissions, review workflow and members-only restriction."
    )

    def handle(self, *args, **options):
        setup_workspace()
        self.stdout.write(self.style.SUCCESS("Workspace is set up."))
