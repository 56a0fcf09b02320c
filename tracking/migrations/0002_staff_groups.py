"""The staff groups for tracking: Reporters and Reviewers join Editors and Viewers.

A group says what kind of work a member of staff may do; which workstreams they may do it
on comes from their roles (WorkstreamRole), which the admin's lists and tracking/services.py
read. Each group gets the least its work needs:

- Reporters write progress updates (add, change and view them, and read their history),
  read the commitments and rounds they report against, and read the outputs, awards,
  milestones and initiatives they link as evidence (the admin's search for evidence needs it).
- Reviewers read updates and change them only by approving or returning them (the services
  make every change), read an update's history, and read commitments.
- Editors keep commitments and open and close reporting rounds, as they keep the rest of
  the record, and read status changes.
- Viewers read commitments, rounds and status changes.

Naming a workstream's reporters and reviewers grants the right to approve, so it stays with
those who manage staff accounts (superusers), as groups do: no group is given roles.

Nobody is given delete on updates or status changes, nor any change to the history tables.
Permissions are normally created after migrations, so they are created here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTERS = [
    "tracking.add_progressupdate",
    "tracking.change_progressupdate",
    "tracking.view_progressupdate",
    "tracking.view_historicalprogressupdate",
    "tracking.view_commitment",
    "tracking.view_reportinground",
    "workstreams.view_output",
    "workstreams.view_milestone",
    "workstreams.view_initiative",
    "funding.view_award",
]
REVIEWERS = [
    "tracking.change_progressupdate",
    "tracking.view_progressupdate",
    "tracking.view_historicalprogressupdate",
    "tracking.view_commitment",
]
VIEWING = [
    "tracking.view_commitment",
    "tracking.view_historicalcommitment",
    "tracking.view_reportinground",
    "tracking.view_historicalreportinground",
    "tracking.view_statuschange",
    "tracking.view_historicalstatuschange",
]
EDITING = [
    *VIEWING,
    "tracking.add_commitment",
    "tracking.change_commitment",
    "tracking.delete_commitment",
    "tracking.add_reportinground",
    "tracking.change_reportinground",
    "tracking.delete_reportinground",
]
GRANTS = {"Reporters": REPORTERS, "Reviewers": REVIEWERS, "Editors": EDITING, "Viewers": VIEWING}


def permissions(apps, names):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    for name, granted in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if name in ("Reporters", "Reviewers"):
            group.permissions.set(permissions(apps, granted))
        else:
            # Editors and Viewers keep what earlier migrations gave them on the rest.
            group.permissions.add(*permissions(apps, granted))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name__in=["Reporters", "Reviewers"]).delete()
    tracking = Permission.objects.filter(content_type__app_label="tracking")
    for group in Group.objects.filter(name__in=["Editors", "Viewers"]):
        group.permissions.remove(*tracking)


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0001_initial"),
        # After the core's own grants, which set Editors and Viewers in full.
        ("mmip", "0005_search_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
