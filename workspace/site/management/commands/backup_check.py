from django.core.management.base import BaseCommand, CommandError

from workspace.site.backups import BackupCheckError, check_backup


class Command(BaseCommand):
    help = (
        "Dump the PostgreSQL database (pg_dump -Fc), restore it into a scratch database and compare "
        "row counts and checksums of the workspace's tables. Exit 0 when the backup restores identically."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep-dump", metavar="FILE", help="also keep the dump at FILE")

    def handle(self, *args, **options):
        try:
            fingerprints = check_backup(keep_dump=options["keep_dump"])
        except BackupCheckError as error:
            raise CommandError(str(error), returncode=2)
        rows = sum(item.rows for item in fingerprints)
        self.stdout.write(
            self.style.SUCCESS(f"Backup restores identically: {len(fingerprints)} tables, {rows} rows compared.")
        )
