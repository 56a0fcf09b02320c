"""Reporting periods are part of the record: Editors keep them, as they keep indicators,
and both staff groups read them and their history; nobody alters the history. Permissions
are normally created after migrations, so they are created here first."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEWING = ["view_indicatorperiod", "view_historicalindicatorperiod"]
EDITING = [*VIEWING, "add_indicatorperiod", "change_indicatorperiod", "delete_indicatorperiod"]
GRANTS = {"Editors": EDITING, "Viewers": VIEWING}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="workstreams", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    periods = Permission.objects.filter(
        content_type__app_label="workstreams", codename__in=EDITING
    )
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*periods)


class Migration(migrations.Migration):
    dependencies = [
        ("workstreams", "0007_indicator_baseline_and_periods"),
        # After the core's grants, which set Editors and Viewers in full.
        ("mmip", "0005_search_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
