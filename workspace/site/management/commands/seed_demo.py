from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workspace.discussions.demo import seed_discussions
from workspace.site.demo import DEMO_PASSWORD, seed_demo
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
        sign_ins = seed_demo()
        seed_discussions()
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Demo sign-ins:"))
        for email, role, government in sign_ins:
            suffix = f" · {government}" if government else ""
            self.stdout.write(f"  {email:32} {role}{suffix}")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
