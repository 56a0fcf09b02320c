"""The two staff groups: Editors keep the record, Viewers only read it.

Editors may add, change (which includes publishing), view and delete records of the
programme, but not manage users. An organisation that has awards cannot be deleted by
anyone: the awards protect it in the database (on_delete=PROTECT). Permissions are normally
created after migrations, so we create them here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECORD_APPS = ["mmip", "workstreams", "funding", "skills"]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    record_permissions = Permission.objects.filter(content_type__app_label__in=RECORD_APPS)

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(record_permissions)
    viewers, _ = Group.objects.get_or_create(name="Viewers")
    viewers.permissions.set(record_permissions.filter(codename__startswith="view_"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Viewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mmip", "0001_initial"),
        ("workstreams", "0001_initial"),
        ("funding", "0001_initial"),
        ("skills", "0002_cohort_employer_total_trigger"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
