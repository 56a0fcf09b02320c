"""What this project's data migrations wrote (the staff groups and their permissions), written
again after a test has emptied every table."""

from django.apps import apps
from django.conf import settings
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.special import RunPython


def is_ours(path: str) -> bool:
    return path.startswith(str(settings.BASE_DIR)) and "site-packages" not in path


def rerun_data_migrations(connection) -> None:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    for migration, _ in plan:
        if not is_ours(apps.get_app_config(migration.app_label).path):
            continue  # Django's and the libraries' own, which flushing does not undo
        operations = [op for op in migration.operations if isinstance(op, RunPython)]
        if operations:
            state = executor.loader.project_state(
                (migration.app_label, migration.name), at_end=False
            )
            with connection.schema_editor() as editor:
                for operation in operations:
                    operation.code(state.apps, editor)
