"""Start the worker of whichever task backend is configured (database queue or RQ on Redis)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_rq.backend import RQBackend


class Command(BaseCommand):
    help = "Work the task queue of the configured backend, so deployments need one command."

    def handle(self, *args: object, **options: object) -> None:
        backend = task_backends["default"]
        queues = sorted(backend.queues)
        if isinstance(backend, RQBackend):
            call_command("rqworker", *queues, job_class="django_tasks_rq.Job")
        elif isinstance(backend, DatabaseBackend):
            call_command("db_worker", queue_name=",".join(queues))
        else:
            raise CommandError(
                f"{type(backend).__name__} runs tasks in-process; there is no queue to work."
            )
