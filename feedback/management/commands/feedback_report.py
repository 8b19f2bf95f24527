"""`manage.py feedback_report DRAFT --output FILE.pdf`: write a draft's synthesis report to a file.

    .venv/bin/python manage.py feedback_report 42 --output bao-cao.pdf
    .venv/bin/python manage.py feedback_report du-thao-chuyen-doi-so --version 1 --appendix \
        --output bao-cao-phu-luc.pdf

DRAFT is the draft page's id or slug; the report is of its latest published version unless
--version says which. The file is written whole or not at all: into a temporary file beside it,
renamed over FILE only once the PDF is complete, so a run killed half-way leaves no half a report.
"""

import os
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from drafts.models import DraftPage, DraftVersion
from drafts.selectors import latest_published_version, published_versions
from feedback.report_pdf import synthesis_report_pdf
from feedback.services.reports import appendix_refusal


class Command(BaseCommand):
    help = (
        "Write the synthesis report (bản tổng hợp, tiếp thu, giải trình ý kiến) of a draft's "
        "latest published version, or of --version N, as a PDF file."
    )

    def add_base_argument(self, parser: CommandParser, *args: Any, **kwargs: Any) -> None:
        if "--version" in args:
            return  # here --version is the draft's version, not Django's
        super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("draft", metavar="DRAFT", help="The draft page's id or slug.")
        parser.add_argument(
            "--version", type=int, metavar="N", help="A published version's number (the latest)."
        )
        parser.add_argument(
            "--appendix", action="store_true", help="Append every published comment."
        )
        parser.add_argument(
            "--output", type=Path, required=True, metavar="FILE", help="The PDF file to write."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        version = _version(draft=_draft(options["draft"]), number=options["version"])
        _check_writable(output)
        if options["appendix"] and (refusal := appendix_refusal(version=version)):
            raise CommandError(refusal)
        verbosity = options["verbosity"]

        def progress(percent: int, message: str) -> None:
            if verbosity > 1:
                self.stderr.write(f"{percent:3d}% {message}")

        pdf = synthesis_report_pdf(version=version, appendix=options["appendix"], progress=progress)
        try:
            _write_atomically(output, pdf)
        except OSError as error:
            raise CommandError(
                _("Cannot write to %(path)s: %(error)s.")
                % {"path": output, "error": error.strerror}
            ) from error
        self.stdout.write(
            _("Wrote the synthesis report of %(draft)s, %(version)s, to %(path)s.")
            % {"draft": version.draft.title, "version": version.label, "path": output}
        )


def _draft(reference: str) -> DraftPage:
    drafts = DraftPage.objects.all()
    draft = (
        drafts.filter(pk=int(reference)).first()
        if reference.isdigit()
        else drafts.filter(slug=reference).first()
    )
    if draft is None:
        raise CommandError(_("No draft has the id or slug %(draft)r.") % {"draft": reference})
    return draft


def _version(*, draft: DraftPage, number: int | None) -> DraftVersion:
    if number is None:
        version = latest_published_version(draft=draft)
        if version is None:
            raise CommandError(
                _("The draft %(draft)r has no published version yet.") % {"draft": draft.slug}
            )
        return version
    version = published_versions(draft=draft).filter(number=number).first()
    if version is None:
        numbers = list(published_versions(draft=draft).values_list("number", flat=True))
        raise CommandError(
            _("The draft %(draft)r has no published version %(number)s (published: %(numbers)s).")
            % {
                "draft": draft.slug,
                "number": number,
                "numbers": ", ".join(map(str, numbers)) or _("none"),
            }
        )
    return version


def _check_writable(path: Path) -> None:
    """Refuse before the report is made (it may take a while), not after."""
    folder = path.parent.resolve()
    if path.is_dir():
        raise CommandError(_("%(path)s is a folder, not a file name.") % {"path": path})
    if not folder.is_dir():
        raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": folder})
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(_("Cannot write to %(path)s: permission denied.") % {"path": path})


def _write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, then rename it over ``path``."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())  # on disk before the rename makes it the report
        os.chmod(temporary, 0o644)  # a public report; mkstemp makes it 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
