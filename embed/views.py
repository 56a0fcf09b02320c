"""The widgets: small pages other sites may frame, each linking back to the full page. Only
public records: a draft's or an unknown record's widget is the site's 404."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from embed import selectors
from embed.framing import frameable
from embed.funding_chart import chart_title, funding_chart
from embed.widgets import organisation_title, workstream_title
from mmip.models import Organisation
from workstreams.models import Workstream


def _filtered(url_name: str, **params) -> str:
    return f"{reverse(url_name)}?{urlencode(params)}"


@require_safe
@frameable
def workstream_widget(request, slug):
    workstream = get_object_or_404(Workstream.objects.public(), slug=slug)
    return render(
        request,
        "embed/workstream.html",
        {
            "workstream": workstream,
            "title": workstream_title(workstream),
            **selectors.workstream_figures(workstream),
            "full_page": workstream.get_absolute_url(),
            "elsewhere": {
                "funding": _filtered("funding-explorer", workstream=slug),
                "timeline": _filtered("timeline", workstream=slug),
                "outputs": _filtered("output-list", workstream=slug),
            },
        },
    )


@require_safe
@frameable
def organisation_awards_widget(request, slug):
    organisation = get_object_or_404(Organisation.objects.public(), slug=slug)
    roles = selectors.organisation_awards(organisation)
    for role in roles:
        role["explorer_url"] = _filtered("funding-explorer", **{role["role"]: slug})
    return render(
        request,
        "embed/organisation_awards.html",
        {
            "organisation": organisation,
            "title": organisation_title(organisation),
            "roles": roles,
            "has_awards": any(role["totals"]["count"] for role in roles),
            "awards_shown": selectors.AWARDS_SHOWN,
            "full_page": organisation.get_absolute_url(),
        },
    )


@require_safe
@frameable
def funding_chart_widget(request):
    chart = funding_chart(request.GET)
    return render(
        request,
        "embed/funding_chart.html",
        {
            **chart,
            "title": chart_title(chart["chart_name"], chart["awards_in_words"]),
            "full_page": chart["explorer_url"],
        },
    )
