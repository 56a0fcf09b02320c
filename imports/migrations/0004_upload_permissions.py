"""Editors upload funders' 360Giving files, preview, apply and discard them (change is what
applying and discarding take); Viewers read the uploads and their previews. Importing
writes awards and organisations, which Editors alone may do."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": ["add_upload", "change_upload", "view_upload"],
    "Viewers": ["view_upload"],
}


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
            *Permission.objects.filter(content_type__app_label="imports", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    uploads = Permission.objects.filter(content_type__app_label="imports", codename__endswith="_upload")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*uploads)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_uploads"),
        ("imports", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
