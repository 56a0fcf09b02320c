"""A red/amber/green rating given with its reason, shared by every record tracked against a
plan (milestones and initiatives, commitments, the updates that change them)."""

from django.db import models
from django.db.models import Q

# Text that holds more than spaces: a reason, a narrative or a note must say something.
SAYS_SOMETHING = r"\S"


class Rating(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


def rating_has_a_reason(rating: str, reason: str) -> Q:
    """A rating is given with the reason for it, and a reason only with a rating."""
    rated = ~Q(**{rating: ""})
    explained = Q(**{f"{reason}__regex": SAYS_SOMETHING})
    return (rated & explained) | (~rated & ~explained)


def rating_problems(rating: str, reason: str, *, rating_field: str, reason_field: str) -> dict:
    """The staff-facing form of rating_has_a_reason()."""
    if rating and not reason.strip():
        return {reason_field: "Give the reason for the rating: it is read beside the colour."}
    if not rating and reason.strip():
        return {
            rating_field: "A reason is given without a rating: choose the rating it explains, "
            "or clear the reason."
        }
    return {}
