"""Load the demo portal, drafting bodies and one user per role (local use only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from consult.demo import seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo portal, two drafting bodies and one demo user per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off. The demo users have published passwords.",
        )

    def handle(self, *args: object, allow_production: bool = False, **options: object) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to create demo users with published passwords while DEBUG is off; "
                "pass --allow-production if this really is a throwaway site."
            )
        counts = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo content ready: {pages} pages, {drafting_bodies} drafting bodies, "
                "{users} users.".format(**counts)
            )
        )
