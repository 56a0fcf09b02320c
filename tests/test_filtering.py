"""The base of every public filter (mmip/filtering.py): a bad part is left out with a plain
message and the rest applies; whether the address filters at all; choices read from the
record once per request. Each page's own filter is tested with its page."""

import django_filters
from django import forms
from django.http import QueryDict

from mmip.filtering import LenientChoiceFilter, LenientFilterSet, LenientFilterView
from mmip.models import Organisation


class NameRangeForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        if self.data.get("reversed"):
            self.add_error(None, "The range was the wrong way round, so it was left out.")
        return cleaned


class OrganisationFilter(LenientFilterSet):
    kind = LenientChoiceFilter(
        label="Kind", thing="kind", any_label="Any kind", choices=Organisation.Kind.choices
    )
    parent = LenientChoiceFilter(
        label="Part of", thing="parent", any_label="Anything", field_name="parent__slug"
    )
    name = django_filters.MultipleChoiceFilter(choices=[("a", "A"), ("b", "B")])
    sort = django_filters.OrderingFilter(fields=["name"])

    class Meta:
        model = Organisation
        fields = []
        form = NameRangeForm

    def public_choices(self):
        return {"parent": [("mhra", "MHRA")]}


def bound(query: str) -> OrganisationFilter:
    return OrganisationFilter(QueryDict(query), queryset=Organisation.objects.none())


def test_each_bad_part_is_named_once_the_forms_own_first():
    filterset = bound("kind=spaceship&parent=nowhere&reversed=1")

    assert filterset.messages == [
        "The range was the wrong way round, so it was left out.",
        "There is no kind “spaceship” to choose, so the kind filter was left out.",
        "There is no parent “nowhere” to choose, so the parent filter was left out.",
    ]
    assert filterset.left_out == ["kind", "parent"]


def test_a_good_filter_and_an_unbound_one_have_nothing_to_say():
    assert bound("kind=company&parent=mhra").messages == []
    assert bound("kind=company").left_out == []
    assert OrganisationFilter(queryset=Organisation.objects.none()).messages == []


def test_asking_for_rows_is_filtering_and_asking_for_an_order_is_not():
    assert bound("kind=spaceship").is_filtered  # a bad value still asks; "clear" makes sense
    assert bound("name=&name=b").is_filtered  # a list is read as a list
    assert not bound("sort=name").is_filtered
    assert not bound("kind=&name=").is_filtered
    assert not OrganisationFilter(queryset=Organisation.objects.none()).is_filtered


def test_choices_read_from_the_record_belong_to_one_filter_instance():
    filterset = bound("parent=mhra")

    assert filterset.form.fields["parent"].choices == [("", "Anything"), ("mhra", "MHRA")]
    assert "choices" not in OrganisationFilter.base_filters["parent"].extra


def test_the_view_is_not_strict_so_a_bad_part_never_empties_the_page():
    assert LenientFilterView.strict is False
