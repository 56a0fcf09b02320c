"""Both staff groups may read every record's history; neither may alter it.

The admin asks for the view permission of a record's history table before it shows the
History page (SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS). Editors keep add, change
and delete on the records themselves, as migration 0002 gave them, and nothing on users,
groups, log-in lockouts or the history tables beyond viewing. The groups are set in full,
so running this again or after later apps' permissions leaves the same grants.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECORD_APPS = ["mmip", "workstreams", "funding", "skills"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    in_record_apps = Permission.objects.filter(content_type__app_label__in=RECORD_APPS)
    history = in_record_apps.filter(content_type__model__startswith="historical")
    records = in_record_apps.exclude(content_type__model__startswith="historical")
    viewing = {"codename__startswith": "view_"}

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set([*records, *history.filter(**viewing)])
    viewers, _ = Group.objects.get_or_create(name="Viewers")
    viewers.permissions.set([*records.filter(**viewing), *history.filter(**viewing)])


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    history = Permission.objects.filter(
        content_type__app_label__in=RECORD_APPS, content_type__model__startswith="historical"
    )
    for group in Group.objects.filter(name__in=["Editors", "Viewers"]):
        group.permissions.remove(*history)


class Migration(migrations.Migration):
    dependencies = [
        ("mmip", "0003_history"),
        ("workstreams", "0003_history"),
        ("funding", "0002_history"),
        ("skills", "0004_history"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
