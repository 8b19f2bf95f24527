"""The database task queue (the embedded default) runs a task through its worker."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus

from tests.integration.tasks import add_and_describe

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_an_enqueued_task():
    with override_settings(TASKS=DB_TASKS):
        result = add_and_describe.enqueue(2, 3)
        assert result.status == TaskResultStatus.READY

        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)

        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == "2 + 3 = 5"
