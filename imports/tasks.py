"""The background jobs of imports, on django-tasks: a worker (`manage.py worker`) runs them
from the queue, in the database or (TASKS_BACKEND=rq) in Redis. The work itself is in
imports/jobs.py."""

from django_tasks import task

from imports import jobs


@task()
def preview_upload(upload_id: int) -> None:
    jobs.preview(upload_id)


@task()
def apply_upload(upload_id: int) -> None:
    jobs.apply(upload_id)
