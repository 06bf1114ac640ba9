from django.core.management.base import BaseCommand

from workspace.notifications.tasks import email_daily_digests


class Command(BaseCommand):
    help = "Email each member the daily digest of their unread notifications (run once a day)."

    def handle(self, *args, **options):
        sent = email_daily_digests()
        self.stdout.write(f"{sent} digest(s) sent.")
