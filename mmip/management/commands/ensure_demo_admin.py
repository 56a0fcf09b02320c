import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Make sure a staff superuser exists for the demo site. When it is made it gets a newly "
        "generated password, printed here once (never a fixed default); later runs leave the "
        "account and its password alone and say how to set a new one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--site-url", default="http://127.0.0.1:8000", help="Where the site will be served."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say whether the account would be made, and change nothing.",
        )

    @transaction.atomic
    def handle(self, *args, username, site_url, dry_run, verbosity, **options):
        User = get_user_model()
        login_url = f"{site_url.rstrip('/')}/admin/"
        if User.objects.filter(username=username).exists():
            # Staff may have changed the password since it was made; resetting it on every
            # start would lock them out of the password they chose.
            if verbosity >= 1:
                self.stdout.write(
                    f"The admin login {username!r} for {login_url} already exists; its "
                    "password is unchanged. To set a new one:\n"
                    f"    .venv/bin/python manage.py changepassword {username}"
                )
            return
        if dry_run:
            if verbosity >= 1:
                self.stdout.write(
                    f"Dry run: would make the admin login {username!r}. Nothing was written."
                )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(
            username=username, email=f"{username}@example.invalid", password=password
        )
        # Printed whatever the verbosity: it is shown only this once and cannot be read back.
        self.stdout.write(
            self.style.SUCCESS(
                f"\nMade the admin login for {login_url}\n"
                f"    username: {username}\n    password: {password}\n"
                "Keep it: later runs leave it unchanged.\n"
            )
        )
