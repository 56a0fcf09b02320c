"""Progress updates and their review: the list (with what awaits me and what I have to
finish), the form that offers only what its author reports on, and the review's buttons on
an update's page and actions on the list, each calling tracking/services.py."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime

from mmip.admin_base import HistoryAdmin
from tracking import services
from tracking.models import (
    Commitment,
    ProgressUpdate,
    ReportingRound,
    UpdateState,
    WorkstreamRole,
)
from tracking.services import EVIDENCE_FIELDS
from workstreams.models import Indicator, IndicatorPeriod, Workstream

SUBMIT = "_submit_for_review"


def refusal_text(refusal: ValidationError) -> str:
    return " ".join(refusal.messages)


class ForMeFilter(admin.SimpleListFilter):
    """What each member of staff has to do: their own drafts and returned updates to finish,
    or others' updates awaiting their review."""

    title = "for me"
    parameter_name = "for_me"

    def lookups(self, request, model_admin):
        return [
            ("to-review", "Awaiting my review"),
            ("to-finish", "My drafts and returned updates"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "to-review":
            return queryset.awaiting_review_by(request.user)
        if self.value() == "to-finish":
            return queryset.drafts_and_returned_of(request.user)
        return queryset


@admin.action(description="Submit selected updates for review", permissions=["submit"])
def submit_selected(modeladmin, request, queryset):
    modeladmin.act_on_each(
        request,
        queryset,
        lambda update: services.submit_update(update=update, author=request.user),
        done="submitted for review",
    )


@admin.action(description="Approve selected updates", permissions=["review"])
def approve_selected(modeladmin, request, queryset):
    modeladmin.act_on_each(
        request,
        queryset,
        lambda update: services.approve_update(update=update, reviewer=request.user),
        done="approved",
    )


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(HistoryAdmin):
    change_form_template = "admin/tracking/progressupdate/change_form.html"
    list_display = ["__str__", "workstream_of", "author", "round", "state", "submitted_at"]
    list_filter = [ForMeFilter, "state", "round"]
    search_fields = ["narrative", "commitment__title", "workstream__name"]
    list_select_related = [
        "workstream",
        "commitment__workstream",
        "milestone__workstream",
        "initiative__workstream",
        "period__indicator",
        "author",
        "round",
    ]
    autocomplete_fields = EVIDENCE_FIELDS
    actions = [submit_selected, approve_selected]
    readonly_fields = [
        "state",
        "author",
        "submitted_at",
        "reviewer",
        "reviewed_at",
        "review_note",
    ]
    fieldsets = [
        (
            "What it is on",
            {
                "description": "A workstream as a whole, one of its commitments, milestones "
                "or initiatives, or a reporting period of one of its indicators: only one. "
                "Only what you report on is offered, and no locked period.",
                "fields": [
                    "workstream",
                    "commitment",
                    "milestone",
                    "initiative",
                    "period",
                    "round",
                ],
            },
        ),
        ("The update", {"fields": ["narrative"]}),
        (
            "For a commitment, a milestone or an initiative",
            {
                "description": "What changes when a reviewer approves it. Leave blank to "
                "keep the status, rating or dates as they are. A forecast and a date done "
                "are for milestones and initiatives.",
                "fields": [
                    "new_status",
                    ("new_rating", "new_rating_reason"),
                    ("new_forecast_date", "new_forecast_precision"),
                    ("new_actual_date", "new_actual_date_precision"),
                ],
            },
        ),
        (
            "For an indicator period",
            {
                "description": "Its actual figure once a reviewer approves, as the source "
                'gives it: "over 150" is over, 150.',
                "fields": [
                    ("new_actual_qualifier", "new_actual"),
                    ("new_actual_source_title", "new_actual_source_url"),
                ],
            },
        ),
        ("Evidence", {"fields": EVIDENCE_FIELDS}),
        ("Where it stands", {"fields": readonly_fields}),
    ]

    def get_queryset(self, request):
        # A period's workstreams are its indicator's: one query for every row's.
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .prefetch_related("period__indicator__workstreams")
        )

    # Permissions: the groups give the kind of page, the roles the workstreams.

    def _reports(self, request) -> bool:
        return WorkstreamRole.objects.filter(
            user=request.user, role=WorkstreamRole.Role.REPORTER
        ).exists()

    def _reviews(self, request) -> bool:
        return WorkstreamRole.objects.filter(
            user=request.user, role=WorkstreamRole.Role.REVIEWER
        ).exists()

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._reports(request)

    def has_change_permission(self, request, obj=None):
        # The update's words are its author's alone, while it is a draft or returned;
        # reviewers change only its state, through the review's buttons.
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or (obj.author_id == request.user.pk and obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        # What was submitted for review is kept, as the record of who vouched for what.
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or obj.state == UpdateState.DRAFT

    def has_submit_permission(self, request):
        return super().has_change_permission(request) and self._reports(request)

    def has_review_permission(self, request):
        return super().has_change_permission(request) and self._reviews(request)

    # The form: only the author's own workstreams and open rounds are offered.

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        reported = WorkstreamRole.objects.workstreams_of(request.user, WorkstreamRole.Role.REPORTER)
        if db_field.name == "workstream":
            kwargs["queryset"] = Workstream.objects.filter(pk__in=reported)
        elif db_field.name == "commitment":
            kwargs["queryset"] = Commitment.objects.filter(workstream__in=reported)
        elif db_field.name in ("milestone", "initiative"):
            kwargs["queryset"] = db_field.related_model.objects.filter(workstream__in=reported)
        elif db_field.name == "period":
            kwargs["queryset"] = IndicatorPeriod.objects.filter(
                is_locked=False,
                indicator__in=Indicator.workstreams.through.objects.filter(
                    workstream__in=reported
                ).values("indicator"),
            ).select_related("indicator")
        elif db_field.name == "round":
            kwargs["queryset"] = ReportingRound.objects.filter(is_open=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        author = request.user

        class UpdateForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                # Set before validation: the update's rules ask whether its author reports
                # on the workstream chosen.
                if self.instance.author_id is None:
                    self.instance.author = author

        UpdateForm.__name__ = form.__name__
        return UpdateForm

    @admin.display(description="workstream")
    def workstream_of(self, obj):
        return ", ".join(str(workstream) for workstream in obj.target_workstreams)

    # The review: buttons on the update's page and actions on the list.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_submit"] = (
            self.has_add_permission(request)
            if obj is None
            else self.has_change_permission(request, obj)
        )
        context["can_review"] = (
            obj is not None
            and obj.state == UpdateState.SUBMITTED
            and obj.author_id != request.user.pk
            and self.has_review_permission(request)
        )
        context["submit_name"] = SUBMIT
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if SUBMIT in request.POST:
            return self._submit_and_respond(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if SUBMIT in request.POST:
            return self._submit_and_respond(request, obj)
        return super().response_change(request, obj)

    def _submit_and_respond(self, request, obj):
        try:
            services.submit_update(update=obj, author=request.user)
        except ValidationError as refusal:
            self.message_user(
                request,
                f"“{obj}” was saved as it is, but not submitted: {refusal_text(refusal)}",
                messages.ERROR,
            )
        else:
            self.log_change(request, obj, "Submitted for review.")
            self.message_user(request, f"“{obj}” was submitted for review.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj.pk))

    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="{}_{}_approve".format(*info),
            ),
            path(
                "<path:object_id>/return/",
                self.admin_site.admin_view(self.return_view),
                name="{}_{}_return".format(*info),
            ),
            *super().get_urls(),
        ]

    def approve_view(self, request, object_id):
        return self._review(
            request,
            object_id,
            lambda update, seen: services.approve_update(
                update=update, reviewer=request.user, seen=seen
            ),
            done="approved",
        )

    def return_view(self, request, object_id):
        return self._review(
            request,
            object_id,
            lambda update, seen: services.return_update(
                update=update, reviewer=request.user, note=request.POST.get("note", ""), seen=seen
            ),
            done="returned to its author",
        )

    def _review(self, request, object_id, decide, *, done: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not super().has_change_permission(request):
            raise PermissionDenied
        update = self.get_object(request, unquote(object_id))
        if update is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        try:
            decide(update, _seen(request.POST.get("seen", "")))
        except ValidationError as refusal:
            self.message_user(request, refusal_text(refusal), messages.ERROR)
        else:
            self.log_change(request, update, f"{done.capitalize()}.")
            self.message_user(request, f"“{update}” was {done}.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(update.pk))

    def act_on_each(self, request, queryset, act, *, done: str) -> None:
        """Each selected update in its own transaction: one refused leaves the others."""
        succeeded = 0
        for update in queryset:
            try:
                act(update)
            except ValidationError as refusal:
                self.message_user(request, f"“{update}”: {refusal_text(refusal)}", messages.ERROR)
            else:
                self.log_change(request, update, f"{done.capitalize()}.")
                succeeded += 1
        if succeeded:
            noun = "update" if succeeded == 1 else "updates"
            self.message_user(request, f"{succeeded} {noun} {done}.", messages.SUCCESS)

    def _change_url(self, pk) -> str:
        return reverse("admin:tracking_progressupdate_change", args=[pk])


def _seen(text: str):
    """The submission a reviewer read, as the page carried it; None if it carried none."""
    try:
        return parse_datetime(text)
    except ValueError:
        return None
