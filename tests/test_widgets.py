"""The quick <select> gives the markup Django's own templates give, escaping included."""

import re

from django import forms

from mmip.widgets import QuickSelectMixin


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


CHOICES = [
    ("", "Any funder"),
    ("a-b", "Alpha & Beta <Fund>"),
    ("c", 'The "C" Council'),
    ("Regions", [("north", "North"), ("south", "South")]),
]


def tidy(html: str) -> str:
    """Django's templates lay the options out on lines of their own; the markup is the same."""
    return re.sub(r">\s+<", "><", html.strip())


def attributes(html: str) -> list[str]:
    # Django puts the id before other attributes and the quick widget after: order aside,
    # the tags must match.
    return sorted(re.findall(r'\s([a-z-]+(?:="[^"]*")?)', html))


def test_a_single_choice_select_matches_django():
    quick = QuickSelect(choices=CHOICES).render("funder", "c", {"id": "id_funder"})
    django = forms.Select(choices=CHOICES).render("funder", "c", {"id": "id_funder"})
    assert tidy(quick) == tidy(django)
    assert '<option value="c" selected>The &quot;C&quot; Council</option>' in quick
    assert "Alpha &amp; Beta &lt;Fund&gt;" in quick
    assert '<optgroup label="Regions"><option value="north">North</option>' in quick


def test_a_multiple_select_marks_every_chosen_option():
    attrs = {"id": "id_funder", "aria-invalid": "true"}
    quick = QuickSelectMultiple(choices=CHOICES).render("funder", ["a-b", "south"], attrs)
    django = forms.SelectMultiple(choices=CHOICES).render("funder", ["a-b", "south"], attrs)
    assert attributes(tidy(quick)) == attributes(tidy(django))
    assert " multiple>" in quick
    assert '<option value="a-b" selected>' in quick
    assert '<option value="south" selected>' in quick
    assert '<option value="c">' in quick
