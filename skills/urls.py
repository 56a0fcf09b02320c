"""The skills pages live under /skills/."""

urlpatterns: list = []
