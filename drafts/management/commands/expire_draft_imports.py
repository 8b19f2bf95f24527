"""`manage.py expire_draft_imports`: remove uploads abandoned at the review step (run daily)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from drafts.services import draft_imports_expire


class Command(BaseCommand):
    help = "Delete draft uploads that were never confirmed, with their files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="age in hours (default 24)")

    def handle(self, *args: Any, hours: int, **options: Any) -> None:
        count = draft_imports_expire(older_than=timedelta(hours=hours))
        self.stdout.write(f"Removed {count} abandoned upload(s).")
