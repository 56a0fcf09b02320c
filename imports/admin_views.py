"""The admin's pages for a funder's 360Giving file: the upload form (the add page of
"360Giving files", linked from the Awards list), and an upload's page (its change page):
how far its background job has got, then its preview, where staff confirm matches by name,
apply or discard it, and at last what it did."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from imports import uploads
from imports.forms import UploadForm
from imports.models import Upload
from imports.reading import FileRefused


def _context(model_admin, request, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "award_list": reverse("admin:funding_award_changelist"),
        **extra,
    }


def upload_page(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = uploads.receive(
                uploaded=form.cleaned_data["file"], choices=form.choices(), user=request.user
            )
        except FileRefused as refused:
            form.add_error("file", f"Nothing was kept: {refused}")
        except uploads.AlreadyOpen as open_already:
            form.add_error("file", str(open_already))
        else:
            messages.success(
                request,
                "The file is uploaded and its preview is on its way. Nothing has been imported yet.",
            )
            return redirect("admin:imports_upload_change", upload.pk)
    return TemplateResponse(
        request,
        "admin/imports/upload_form.html",
        _context(
            model_admin, request, title="Import a 360Giving file", form=form, media=form.media
        ),
    )


def preview_page(model_admin, request, object_id):
    upload = get_object_or_404(
        Upload.objects.select_related("uploaded_by", "finished_by", "dataset_import__dataset"),
        pk=object_id,
    )
    if not model_admin.has_view_permission(request, upload):
        raise PermissionDenied
    if request.method == "POST":
        return _act(model_admin, request, upload)
    if "progress" in request.GET:
        # For the page's script, which shows the job's progress without reloading.
        return JsonResponse(
            {
                "state": upload.state,
                "done": upload.progress_done,
                "total": upload.progress_total,
                "percent": upload.percent,
                "stopped": upload.has_stopped,
            }
        )
    found = upload.preview or {}
    counts = found.get("counts", {})
    can_act = upload.is_open and model_admin.has_change_permission(request, upload)
    context = _context(
        model_admin,
        request,
        title=upload.file_name,
        upload=upload,
        preview=found,
        counts=counts,
        to_apply=counts.get("new", 0) + counts.get("changed", 0),
        to_confirm=[
            row for row in found.get("organisations", {}).get("by_name", []) if not row["confirmed"]
        ],
        show_preview=bool(found) and upload.state in (Upload.State.PREVIEWED, Upload.State.APPLIED),
        can_act=can_act and upload.state == Upload.State.PREVIEWED,
        can_discard=can_act and (upload.state not in Upload.WORKING or upload.has_stopped),
        can_run_again=can_act and upload.has_stopped,
        job_running=upload.state in (*Upload.WAITING, *Upload.WORKING) and not upload.has_stopped,
        job_waiting=upload.state in Upload.WAITING,
        progress_url=request.path + "?progress",
    )
    return TemplateResponse(request, "admin/imports/upload_preview.html", context)


def _act(model_admin, request, upload):
    if not (upload.is_open and model_admin.has_change_permission(request, upload)):
        raise PermissionDenied
    here = reverse("admin:imports_upload_change", args=[upload.pk])
    action = request.POST.get("action")
    try:
        if action == "confirm":
            chosen = set(request.POST.getlist("confirm"))
            if not chosen:
                messages.warning(request, "Tick the matches you confirm first.")
                return redirect(here)
            uploads.confirm(upload=upload, identifiers=chosen)
            messages.success(
                request, "The preview is being made again with the matches you confirmed."
            )
        elif action == "apply":
            uploads.request_apply(
                upload=upload,
                user=request.user,
                skip_problems=request.POST.get("skip_problems") == "yes",
                digest=request.POST.get("digest", ""),
            )
            messages.success(
                request, "The import is on its way: this page shows how far it has got."
            )
        elif action == "run-again":
            uploads.run_again(upload=upload)
            messages.success(request, "The job is queued again.")
        elif action == "discard":
            uploads.discard(upload=upload, user=request.user)
            messages.success(request, f"{upload.file_name} was discarded; nothing was imported.")
            return redirect("admin:imports_upload_changelist")
        else:
            messages.error(request, "That is not something this page does.")
    except uploads.NotNow as not_now:
        messages.error(request, str(not_now))
    return redirect(here)
