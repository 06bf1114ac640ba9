from django.core.management.base import BaseCommand

from workspace.discussions.tasks import email_daily_digests


class Command(BaseCommand):
    help = "Email each member their unread discussion notifications of the last day (run once a day)."

    def handle(self, *args, **options):
        sent = email_daily_digests()
        self.stdout.write(f"{sent} digest(s) sent.")
