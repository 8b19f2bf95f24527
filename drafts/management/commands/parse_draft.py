"""`manage.py parse_draft PATH`: print the structure the importer finds in a draft; no database."""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from drafts.importers import parse_file
from drafts.importers.structure import (
    DraftImportError,
    ParsedDocument,
    ParsedProvision,
    group_by_attachment,
)


class Command(BaseCommand):
    help = "Parse a draft legal text (.txt, .docx, .xml) and print its structure as JSON or text."
    requires_system_checks: list[str] = []  # reads a file and prints; nothing to check

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="the draft's file")
        parser.add_argument(
            "--format",
            choices=("json", "text"),
            default="json",
            help="json: the whole parsed document; text: an outline and the warnings",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = parse_file(options["path"])
        except DraftImportError as error:
            raise CommandError(str(error)) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(document.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(outline(document)))


def outline(document: ParsedDocument) -> list[str]:
    """The document's header, its provisions indented by depth (kind num heading), warnings."""
    lines = [
        f"{document.document_type} {document.number}".strip(),
        document.title,
        "",
    ]
    headings = {item["eid_prefix"]: item.get("heading", "") for item in document.attachments}
    for prefix, provisions in group_by_attachment(document.provisions):
        if prefix:  # a regulation attached to the decision: its heading, then its provisions
            heading = " ".join(headings.get(prefix, "").split("\n"))
            lines.extend(["", f"{prefix} {heading}".rstrip()])
        lines.extend(_provision_lines(provisions, depth=0))
    if document.annexes:
        lines.extend(["", _("%(count)d annex(es)") % {"count": len(document.annexes)}])
    lines.extend(["", _("Warnings:") if document.warnings else _("No warnings.")])
    lines.extend(f"- {warning}" for warning in document.warnings)
    return lines


def _provision_lines(provisions: list[ParsedProvision], depth: int) -> list[str]:
    lines = []
    for provision in provisions:
        label = f"{'  ' * depth}{provision.kind} {provision.num}"
        lines.append(f"{label} {provision.heading}".rstrip())
        lines.extend(_provision_lines(provision.children, depth + 1))
    return lines
