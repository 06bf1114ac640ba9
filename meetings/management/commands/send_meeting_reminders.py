from django.core.management.base import BaseCommand

from meetings.services import send_due_reminders


class Command(BaseCommand):
    help = "Announce pending meeting changes and send the reminders due in the next 24 hours (run every few minutes)."

    def handle(self, *args, **options):
        count = send_due_reminders()
        self.stdout.write(f"{count} meeting(s) reminded.")
