"""Regroup near-identical comments of one draft, several, or all of them, from scratch, in bulk.

    .venv/bin/python manage.py feedback_duplicates --draft 42
    .venv/bin/python manage.py feedback_duplicates --all

New comments are grouped as they arrive (a task); this recomputes the groups after a change
of the detection rules, an import of comments that bypassed the task, or to repair.
"""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from drafts.models import DraftPage
from feedback.duplicates import duplicates_regroup
from feedback.models import Feedback


class Command(BaseCommand):
    help = "Recompute the duplicate groups of the drafts' comments (--draft ID ... or --all)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument(
            "--draft", type=int, action="append", metavar="ID", help="A draft's page id."
        )
        target.add_argument("--all", action="store_true", help="Every draft with comments.")

    def handle(self, *args: object, **options: object) -> None:
        if options["all"]:
            with_comments = Exists(Feedback.objects.filter(draft=OuterRef("pk")))
            drafts = list(DraftPage.objects.filter(with_comments).order_by("pk"))
        else:
            wanted = set(options["draft"])  # type: ignore[call-overload]
            drafts = list(DraftPage.objects.filter(pk__in=wanted).order_by("pk"))
            missing = sorted(wanted - {draft.pk for draft in drafts})
            if missing:
                raise CommandError(
                    _("No draft has the id %(ids)s.") % {"ids": ", ".join(map(str, missing))}
                )
        for draft in drafts:
            report = duplicates_regroup(draft=draft)
            self.stdout.write(
                _(
                    "Draft %(draft)s: %(examined)s comments examined, %(grouped)s in "
                    "%(groups)s groups, %(changed)s changed group, in %(seconds)s s."
                )
                % {
                    "draft": draft.pk,
                    "examined": report.examined,
                    "grouped": report.grouped,
                    "groups": report.groups,
                    "changed": report.changed,
                    "seconds": report.seconds,
                }
            )
