"""A task for the task-backend tests: importable by module path, as workers need."""

from django_tasks import task


@task()
def add_and_describe(a: int, b: int) -> str:
    return f"{a} + {b} = {a + b}"
