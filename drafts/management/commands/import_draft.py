"""`manage.py import_draft PATH ...`: save a text as a new draft or as a draft's next version."""

import datetime
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from drafts.importers import DraftImportError, parse_file
from drafts.models import (
    DocumentType,
    DraftIndexPage,
    DraftingBody,
    DraftPage,
    consultation_period_errors,
)
from drafts.services import draft_create, draft_version_create


def _date(value: str) -> datetime.datetime:
    """A date (YYYY-MM-DD) or date and time, in Hanoi time."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date: {value!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from error
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Import a draft text (.docx, .txt, Akoma Ntoso .xml): a new draft below the draft index, "
        "or with --draft the next version of an existing one. Nothing goes live unless --publish."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--draft", help="slug of an existing draft: import its next version")
        parser.add_argument("--change-note", default="", help="what changed (with --draft)")
        parser.add_argument("--document-type", help="document type code, e.g. nghi-dinh")
        parser.add_argument("--drafting-body", help="drafting body slug")
        parser.add_argument("--opens", help="consultation opens (YYYY-MM-DD[THH:MM])")
        parser.add_argument("--closes", help="consultation closes (YYYY-MM-DD[THH:MM])")
        parser.add_argument("--reason", default="", help="why the period is shorter than usual")
        parser.add_argument("--title", default="", help="title (trích yếu) if not the text's own")
        parser.add_argument("--publish", action="store_true", help="publish the page now")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            parsed = parse_file(path)
        except DraftImportError as error:
            raise CommandError(str(error)) from error
        for warning in parsed.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if options["draft"]:
            draft = DraftPage.objects.filter(slug=options["draft"]).first()
            if draft is None:
                raise CommandError(f"No draft with the slug {options['draft']!r}.")
            version = draft_version_create(
                draft=draft,
                parsed=parsed,
                change_note=options["change_note"],
                source_name=path.name,
                source_data=path.read_bytes(),
            )
            self.stdout.write(f"Imported version {version.number} of {draft.title}.")
        else:
            draft = self._create(path, parsed, options)
            self.stdout.write(f"Imported {draft.title} ({draft.url_path}).")
        if options["publish"]:
            draft.save_revision().publish()
            self.stdout.write("Published.")

    def _create(self, path: Path, parsed: Any, options: dict[str, Any]) -> DraftPage:
        missing = [
            name
            for name in ("document_type", "drafting_body", "opens", "closes")
            if not options[name]
        ]
        if missing:
            flags = ", ".join("--" + name.replace("_", "-") for name in missing)
            raise CommandError(f"A new draft needs {flags}.")
        index = DraftIndexPage.objects.first()
        document_type = DocumentType.objects.filter(code=options["document_type"]).first()
        body = DraftingBody.objects.filter(slug=options["drafting_body"]).first()
        if index is None or document_type is None or body is None:
            raise CommandError("Unknown document type or drafting body, or no draft index page.")
        opens, closes = _date(options["opens"]), _date(options["closes"])
        errors = consultation_period_errors(
            document_type=document_type, opens_at=opens, closes_at=closes, reason=options["reason"]
        )
        if errors:
            raise CommandError(" ".join(errors.values()))
        try:
            return draft_create(
                index=index,
                parsed=parsed,
                document_type=document_type,
                drafting_body=body,
                opens_at=opens,
                closes_at=closes,
                short_period_reason=options["reason"],
                title=options["title"],
                source_name=path.name,
                source_data=path.read_bytes(),
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
