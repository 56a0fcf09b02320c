import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Make sure a staff superuser exists for the demo site and give it a newly generated "
        "password, printed here. Never a fixed default: each run prints a fresh one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--site-url", default="http://127.0.0.1:8000", help="Where the site will be served."
        )

    @transaction.atomic
    def handle(self, *args, username, site_url, **options):
        User = get_user_model()
        password = secrets.token_urlsafe(12)
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.invalid"}
        )
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
        action = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"\n{action} the admin login for {site_url.rstrip('/')}/admin/\n"
                f"    username: {username}\n    password: {password}\n"
            )
        )
