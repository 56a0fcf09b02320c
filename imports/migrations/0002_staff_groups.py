"""What the staff groups may do with datasets.

Editors may read every dataset, correct its title, publisher, address and licence, and read
what each file held and did and the identifiers organisations are known by; Viewers read
them. Nobody adds or deletes a dataset by hand: the import writes them. Permissions are
normally created after migrations, so they are created here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEWING = [
    "view_dataset",
    "view_historicaldataset",
    "view_datasetimport",
    "view_organisationidentifier",
]
EDITING = [*VIEWING, "change_dataset"]
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
            *Permission.objects.filter(content_type__app_label="imports", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    imports = Permission.objects.filter(content_type__app_label="imports")
    for group in Group.objects.filter(name__in=["Editors", "Viewers"]):
        group.permissions.remove(*imports)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        # After the core's own grants, which set Editors and Viewers in full.
        ("mmip", "0005_search_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
