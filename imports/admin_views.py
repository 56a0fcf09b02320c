"""The admin's pages for a funder's 360Giving file: the upload form (the add page of
"360Giving files", linked from the Awards list), and the preview (an upload's change page),
where staff confirm matches by name, apply, or discard the upload."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from imports import uploads
from imports.forms import UploadForm
from imports.models import Upload
from imports.reading import FileRefused
from imports.services import ImportRefused, RecordChanged


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
            if open_already.upload is not None:
                url = reverse("admin:imports_upload_change", args=[open_already.upload.pk])
                messages.info(request, f"The upload waiting: {request.build_absolute_uri(url)}")
        else:
            messages.success(request, "Here is the preview. Nothing has been imported yet.")
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
        Upload.objects.select_related("uploaded_by", "dataset_import__dataset"), pk=object_id
    )
    if not model_admin.has_view_permission(request, upload):
        raise PermissionDenied
    if request.method == "POST":
        return _act(model_admin, request, upload)
    found = upload.preview or {}
    counts = found.get("counts", {})
    context = _context(
        model_admin,
        request,
        title=f"Preview of {upload.file_name}" if upload.is_open else upload.file_name,
        upload=upload,
        preview=found,
        counts=counts,
        to_apply=counts.get("new", 0) + counts.get("changed", 0),
        to_confirm=[
            row for row in found.get("organisations", {}).get("by_name", []) if not row["confirmed"]
        ],
        can_act=upload.is_open and model_admin.has_change_permission(request, upload),
    )
    return TemplateResponse(request, "admin/imports/upload_preview.html", context)


def _act(model_admin, request, upload):
    if not (upload.is_open and model_admin.has_change_permission(request, upload)):
        raise PermissionDenied
    here = reverse("admin:imports_upload_change", args=[upload.pk])
    action = request.POST.get("action")
    if action == "confirm":
        chosen = set(request.POST.getlist("confirm"))
        if not chosen:
            messages.warning(request, "Tick the matches you confirm first.")
        else:
            uploads.confirm(upload=upload, identifiers=chosen)
            messages.success(request, "The preview now takes the matches you confirmed.")
        return redirect(here)
    if action == "discard":
        uploads.discard(upload=upload, user=request.user)
        messages.success(request, f"{upload.file_name} was discarded; nothing was imported.")
        return redirect("admin:imports_upload_changelist")
    if action == "apply":
        try:
            result = uploads.apply(
                upload=upload,
                user=request.user,
                skip_problems=request.POST.get("skip_problems") == "yes",
                digest=request.POST.get("digest", ""),
            )
        except RecordChanged as changed:
            messages.warning(request, str(changed))
        except ImportRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _done(result))
        return redirect(here)
    messages.error(request, "That is not something this page does.")
    return redirect(here)


def _done(result) -> str:
    counts = result.preview["counts"]
    if result.changed_nothing:
        return (
            "This file was imported last time and nothing in it has changed: nothing was written."
        )
    return (
        f"Imported into “{result.dataset_import.dataset}”: {counts['new']:,} new, "
        f"{counts['changed']:,} changed and {counts['unchanged']:,} unchanged awards"
        + (
            f"; {counts['with_problems']:,} skipped with problems"
            if counts["with_problems"]
            else ""
        )
        + "."
    )
