"""Manage the search indexes: create, rebuild without downtime, reconcile, drain the outbox.

manage.py search_index setup                  # create missing indexes (first deployment)
manage.py search_index rebuild [--index N]    # new index, alias swap, then a reconcile
manage.py search_index reconcile [--repair]   # database vs index: missing, extra, stale
manage.py search_index drain                  # index what the outbox holds (cron, each minute)
"""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from search import indexing
from search.engines import get_search_engine
from search.engines.base import EngineUnavailable
from search.registry import SearchIndex, all_indexes, get_index


class Command(BaseCommand):
    help = "Create, rebuild, reconcile the search indexes, or drain the indexing outbox."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["setup", "rebuild", "reconcile", "drain"])
        parser.add_argument("--index", help="Only this index (default: every registered one).")
        parser.add_argument(
            "--repair",
            action="store_true",
            help="reconcile: enqueue the missing, stale and extra documents for indexing.",
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="drain: at most this many outbox rows."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        indexes = self._indexes(options["index"])
        try:
            getattr(self, f"_{options['action']}")(indexes, options)
        except EngineUnavailable as exc:
            raise CommandError(
                _("The search engine is unavailable: %(error)s") % {"error": exc}
            ) from exc

    def _indexes(self, name: str | None) -> tuple[SearchIndex, ...]:
        if name is None:
            return all_indexes()
        try:
            return (get_index(name),)
        except ImproperlyConfigured:
            known = ", ".join(index.name for index in all_indexes())
            raise CommandError(
                _("No search index named %(name)s (known: %(known)s).")
                % {"name": name, "known": known}
            ) from None

    def _setup(self, indexes: tuple[SearchIndex, ...], options: dict[str, Any]) -> None:
        for index in indexes:
            get_search_engine().setup(index)
            self.stdout.write(_("%(index)s: ready.") % {"index": index.name})

    def _rebuild(self, indexes: tuple[SearchIndex, ...], options: dict[str, Any]) -> None:
        for index in indexes:
            report = indexing.rebuild(index=index)
            self.stdout.write(
                _("%(index)s: %(written)d documents written, alias switched.")
                % {"index": index.name, "written": report.written}
            )
            self._reconciled(report.reconciled)

    def _reconcile(self, indexes: tuple[SearchIndex, ...], options: dict[str, Any]) -> None:
        for index in indexes:
            self._reconciled(indexing.reconcile(index=index, repair=options["repair"]))

    def _reconciled(self, report: indexing.ReconcileReport) -> None:
        self.stdout.write(
            _(
                "%(index)s: %(checked)d in the database; %(missing)d missing, %(extra)d extra, "
                "%(stale)d stale in the index."
            )
            % {
                "index": report.index,
                "checked": report.checked,
                "missing": report.missing,
                "extra": report.extra,
                "stale": report.stale,
            }
        )
        for label, ids in (
            (_("missing"), report.missing_ids),
            (_("extra"), report.extra_ids),
            (_("stale"), report.stale_ids),
        ):
            if ids:
                self.stdout.write(f"  {label}: {', '.join(ids)}")
        if report.enqueued:
            self.stdout.write(
                _("  %(count)d documents enqueued for indexing.") % {"count": report.enqueued}
            )

    def _drain(self, indexes: tuple[SearchIndex, ...], options: dict[str, Any]) -> None:
        only = indexes[0].name if options["index"] else None
        report = indexing.drain(limit=options["limit"], index=only)
        if report.unavailable:
            raise CommandError(
                _("The search engine is unavailable: the outbox is kept for the next drain.")
            )
        if report.rows or int(options["verbosity"]) > 1:
            self.stdout.write(
                _("%(indexed)d documents indexed, %(deleted)d deleted.")
                % {"indexed": report.indexed, "deleted": report.deleted}
            )
        for failed in report.failed:
            self.stderr.write(_("Could not index %(document)s.") % {"document": failed})
