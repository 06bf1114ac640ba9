from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from workspace.site.demo import DEMO_PASSWORD, emails_discarded
from workspace.site.setup import setup_workspace


class Command(BaseCommand):
    help = "Add realistic demo data (idempotent) and print the demo sign-ins. Local demos only."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (never in production)")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo adds accounts with a published password; it runs only with DEBUG on "
                "(use --force to override on a demo machine).",
                returncode=2,
            )
        setup_workspace()
        # Each app seeds its own demo data, in INSTALLED_APPS order (members and practices first,
        # then discussions, work plans, meetings): an AppConfig with a `seed_demo()` method.
        sign_ins = []
        # Demo members are not real people: the notices that seeding causes (mentions, replies,
        # the flagged comment) stay in the bell and send no email. A few demo members post many
        # comments in a few seconds: not a flood for the rate limit to refuse.
        with emails_discarded(), override_settings(DISCUSSIONS_RATE_LIMITS=()):
            for config in apps.get_app_configs():
                seed = getattr(config, "seed_demo", None)
                if callable(seed):
                    sign_ins += seed() or []
        self.stdout.write(f"{len(sign_ins)} demo members, their practices and discussions.")
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Demo sign-ins:"))
        for email, role, government in sign_ins:
            suffix = f" · {government}" if government else ""
            self.stdout.write(f"  {email:32} {role}{suffix}")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
