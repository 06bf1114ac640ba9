import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workspace.accounts.services import add_member


class Command(BaseCommand):
    help = "Create an active member with a verified email address, in the group of their role."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def one_line_error(message):
            sys.stderr.write(f"error: {message}\n")
            sys.exit(2)

        if getattr(parser, "called_from_command_line", False):
            parser.error = one_line_error
        return parser

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, help="coordinator, focal_point or participant")
        parser.add_argument("--government", help="government code (focal points): BZ, CR, …")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--language", help="es, en or fr (default: the government's)")
        parser.add_argument(
            "--designation", help="primary or alternate (focal points): the government's place must be free"
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input (otherwise the account has none until a password reset)",
        )

    def handle(self, *args, **options):
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        try:
            member = add_member(
                email=options["email"],
                role=options["role"],
                government_code=options["government"],
                password=password,
                first_name=options["first_name"],
                last_name=options["last_name"],
                language=options["language"],
                designation=options["designation"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2)
        self.stdout.write(f"Added {member.email} ({member.get_role_display()}).")
