"""Tracking adds to the pages of records of the apps below it (a workstream's reporters and
reviewers, a milestone's status history), which may not import tracking: their admin module
is loaded first (INSTALLED_APPS order), and tracking registers a subclass in its place."""

from django.contrib import admin
from django.db import models


def take_over(model: type[models.Model]) -> type[admin.ModelAdmin]:
    """The admin class registered for ``model``, now unregistered, to be subclassed and
    registered again: the subclass keeps all it already does."""
    registered = type(admin.site.get_model_admin(model))
    admin.site.unregister(model)
    return registered
