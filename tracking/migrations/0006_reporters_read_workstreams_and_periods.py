"""Reporters read the workstreams and the indicators' reporting periods they report on, so
that the staff's front page can lead them to the lists of what a reporting round still
needs from them (which workstreams and periods each reporter may write updates on is still
decided by their roles). Permissions are normally created after migrations, so they are
created here first."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = [
    "workstreams.view_workstream",
    "workstreams.view_indicatorperiod",
    "workstreams.view_indicator",
]


def permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in READ:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name="Reporters").permissions.add(*permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name="Reporters").permissions.remove(*permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0005_commitment_search_idx"),
        ("workstreams", "0008_period_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
