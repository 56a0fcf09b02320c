"""/embed/: choose a widget, see it, and copy the <iframe> that embeds it. A plain GET form,
so it works without JavaScript; a script only adds a button that copies the code.

Each kind of widget has a form of its own on the page, each sending `widget` with its kind.
A choice that cannot be used is said in words beside its field and no widget is made; a part
of a chart's filter that cannot be used is left out of the widget, and said."""

from urllib.parse import urlsplit

from django import forms
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from embed import selectors
from embed.funding_chart import (
    CHARTS,
    DEFAULT_CHART,
    awards_in_words,
    chart_title,
    chart_url,
    filter_query,
)
from embed.widgets import Widget, organisation_title, workstream_title
from funding.explorer_form import SLUG, listed_choices
from funding.filters import AwardFilterSet
from mmip.breadcrumbs import trail
from mmip.filtering import LenientChoiceField, shown
from workstreams.models import Workstream

# The fields of each kind's form: what the address says of the widget of that kind.
FIELDS_OF_KIND = {"workstream": ("workstream",), "organisation": ("organisation",), "chart": ("filter", "chart")}  # fmt: skip
KINDS = {
    "workstream": "A workstream's headline figures",
    "organisation": "An organisation's awards",
    "chart": "The funding explorer's chart",
}
# Frame sizes in pixels, roomy enough that most of what each kind shows needs no scrolling.
SIZES = {
    "workstream": (640, 520),
    "organisation": (640, 640),
    "chart:year": (640, 640),
    "chart:funder": (640, 720),
}
ADDRESS_MAX_LENGTH = 2000


def explorer_query(address: str) -> tuple[QueryDict, str | None]:
    """The query of a funding explorer's address as pasted: a whole address, its path and
    query, or the query alone ("funder=innovate-uk"); and a message when it holds none and
    is not the explorer's own address (every award)."""
    address = address.strip()
    try:
        parts = urlsplit(address if "?" in address or "=" not in address else f"?{address}")
    except ValueError:  # no address at all ("http://[" is taken for a broken IPv6 one)
        parts = None
    if parts and (parts.query or not address or parts.path.rstrip("/").endswith("funding")):
        return QueryDict(parts.query), None
    return QueryDict(), (
        f"“{shown(address)}” is not the address of a page of the funding explorer, so the "
        "chart adds up every published award. Filter the awards in the funding explorer and "
        "copy its address."
    )


def _choice(label: str, *, any_label: str | None, invalid: str, **kwargs) -> LenientChoiceField:
    """A drop-down whose wrong value, typed into the address, is named back shortened."""
    return LenientChoiceField(
        label=label,
        required=False,
        empty_label=any_label,
        error_messages={"invalid_choice": invalid},
        **kwargs,
    )


class WidgetForm(forms.Form):
    widget = _choice(
        "Widget",
        any_label=None,
        invalid="There is no widget “%(value)s”: choose one of the three below.",
        choices=list(KINDS.items()),
    )
    workstream = _choice(
        "Workstream",
        any_label="Choose a workstream",
        invalid="There is no published workstream “%(value)s”: choose one from the list.",
    )
    organisation = _choice(
        "Organisation",
        any_label="Choose an organisation",
        invalid="There is no organisation “%(value)s” with published awards: choose one from the list.",
        help_text="Those that give or receive a published award.",
    )
    filter = forms.CharField(
        label="The funding explorer's address",
        required=False,
        max_length=ADDRESS_MAX_LENGTH,
        help_text="Filter the awards in the funding explorer, then copy the address of its page here. Left empty, the chart adds up every published award.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "max_length": f"The address can be at most {ADDRESS_MAX_LENGTH:,} characters: copy it from the funding explorer again.",
            "null_characters_not_allowed": "The address had characters no address has: copy it from the funding explorer again.",
        },
    )
    chart = _choice(
        "Chart",
        any_label=None,
        invalid="There is no chart “%(value)s”: choose by year or by funder.",
        choices=[(name, f"Amount awarded {words}") for name, words in CHARTS.items()],
    )

    def __init__(self, data, *, workstreams, organisations):
        super().__init__(data)
        self.fields["workstream"].choices = list(workstreams)
        self.fields["organisation"].choices = list(organisations)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("widget")
        needed = {"workstream": "Choose a workstream.", "organisation": "Choose an organisation."}
        if kind in needed and not cleaned.get(kind) and not self.has_error(kind):
            self.add_error(kind, needed[kind])
        return cleaned


def _workstream_widget(slug: str) -> Widget:
    workstream = Workstream.objects.public().get(slug=slug)
    return Widget(
        reverse("embed-workstream", args=[slug]),
        workstream_title(workstream),
        *SIZES["workstream"],
    )


def _organisation_widget(slug: str) -> Widget:
    organisation = selectors.organisations_with_awards().get(slug=slug)
    return Widget(
        reverse("embed-organisation-awards", args=[slug]),
        organisation_title(organisation),
        *SIZES["organisation"],
    )


def _chart_widget(address: str, chart: str) -> tuple[Widget, list[str]]:
    """The chart's widget for a pasted address, less what of its filter cannot be used, and
    the messages saying what was left out."""
    query, problem = explorer_query(address)
    filterset = AwardFilterSet(query)
    messages = [*([problem] if problem else []), *filterset.messages]
    widget = Widget(
        chart_url(filter_query(query, leave_out=filterset.left_out), chart),
        chart_title(chart, awards_in_words(filterset)),
        *SIZES[f"chart:{chart}"],
    )
    return widget, messages


def _asked_for(data: QueryDict) -> QueryDict:
    """Of an address's query, the widget asked for and the fields of its own form: a field
    of another form (one left in the address by hand) is not read, so it cannot stop the
    widget being made. Nothing when no widget is asked for."""
    kind = data.get("widget")
    if not kind:
        return QueryDict()
    asked = QueryDict(mutable=True)
    asked["widget"] = kind
    for name in FIELDS_OF_KIND.get(kind, ()):
        if name in data:
            asked.setlist(name, data.getlist(name))
    return asked


def _made(form: WidgetForm) -> tuple[Widget | None, list[str]]:
    """The widget the form asks for, if it can be made, and what was left out of it."""
    if not form.is_bound or not form.is_valid():
        return None, []
    chosen = form.cleaned_data
    if chosen["widget"] == "workstream":
        return _workstream_widget(chosen["workstream"]), []
    if chosen["widget"] == "organisation":
        return _organisation_widget(chosen["organisation"]), []
    return _chart_widget(chosen["filter"], chosen["chart"] or DEFAULT_CHART)


@require_safe
def builder(request):
    data = _asked_for(request.GET)
    chosen = [value for value in data.getlist("organisation") if SLUG.fullmatch(value)]
    rows, too_many = listed_choices(selectors.organisations_with_awards(), ("name",), chosen)
    organisations = [(slug, name) for _, slug, name in rows]
    form = WidgetForm(
        data or None,
        workstreams=Workstream.objects.public().values_list("slug", "name"),
        organisations=organisations,
    )
    widget, notices = _made(form)
    # The code names this site by the address it was asked at, so the page that gives it is
    # not kept in the shared page cache, which keeps one answer per path whatever the host.
    url = request.build_absolute_uri(widget.path) if widget else None
    response = render(
        request,
        "embed/builder.html",
        {
            "form": form,
            "kinds": KINDS,
            "too_many_organisations": too_many,
            "widget": widget,
            "widget_url": url,
            "code": widget.code(url) if widget else None,
            "notices": notices,
            "breadcrumbs": trail(("Embed a widget", None)),
        },
    )
    if widget:
        patch_cache_control(response, private=True)
    return response
