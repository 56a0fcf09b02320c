"""manage.py worker: the worker of whichever queue the settings chose for the background jobs
(TASKS_BACKEND), so that `make run`, `make serve` and a deployment start workers the same
way on either: django-tasks-db's `db_worker` for the queue in the database, django-rq's
`rqworker` with django-tasks-rq's job class for the queue in Redis."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"


class Command(BaseCommand):
    help = (
        "Run the background jobs (imports' previews and applies) from the queue the settings "
        "chose: the database (db_worker) or Redis (rqworker, with TASKS_BACKEND=rq). Run as "
        "many as you like; each job runs once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst", action="store_true", help="Run the jobs waiting now, then stop."
        )
        parser.add_argument(
            "--no-startup-delay",
            action="store_false",
            dest="startup_delay",
            help="Start taking jobs at once (the database's queue otherwise waits a moment, "
            "so that workers started together do not all ask at once).",
        )

    def handle(self, *args, burst, startup_delay, verbosity, **options):
        backend = settings.TASKS["default"]
        queues = backend.get("QUEUES") or ["default"]
        if backend["BACKEND"] == RQ_BACKEND:
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                burst=burst,
                verbosity=verbosity,
            )
        elif backend["BACKEND"] == DATABASE_BACKEND:
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                batch=burst,
                startup_delay=startup_delay,
                verbosity=verbosity,
            )
        else:
            raise CommandError(
                f"The background jobs' backend {backend['BACKEND']} has no worker this command knows."
            )
