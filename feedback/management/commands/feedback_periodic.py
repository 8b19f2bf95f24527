"""Enqueue the periodic feedback tasks; meant for cron, the work itself runs in a task worker.

Crontab (the server's clock may be UTC, so the digest names its zone):

    */5 * * * *  cd /srv/consult && .venv/bin/python manage.py feedback_periodic
    CRON_TZ=Asia/Ho_Chi_Minh
    0 7 * * *    cd /srv/consult && .venv/bin/python manage.py feedback_periodic --digest

Running it more often than needed is harmless: each opening or closing is recorded once, and
the digest sends only notices not yet e-mailed.
"""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from feedback.tasks import consultation_events_notify, send_daily_digests


class Command(BaseCommand):
    help = (
        "Enqueue the consultation open/close notices (every 5 minutes) and, with --digest, "
        "the daily e-mail digest (once a day, 07:00 Asia/Ho_Chi_Minh)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--digest", action="store_true", help="Also enqueue the daily e-mail digest."
        )

    def handle(self, *args: object, **options: object) -> None:
        consultation_events_notify.enqueue()
        if options["digest"]:
            send_daily_digests.enqueue()
        if int(options["verbosity"]) > 1:  # type: ignore[call-overload]
            self.stdout.write("Enqueued the periodic feedback tasks.")
