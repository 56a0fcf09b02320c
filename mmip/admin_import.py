"""Import and export of records as files in the admin: every import is previewed, all or
nothing, and refused at its confirm step if a record it names changed since the preview."""

from django import forms
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ExportForm

from mmip.edit_conflicts import RECORD_VERSION  # noqa: F401  (named in the docstrings)
from mmip.resources import ImportResult

_PREVIEW_SALT = "mmip.admin.import-preview"


class PreviewedImportForm(ConfirmImportForm):
    """The import's confirm step, carrying how each record the file names was stored when
    the preview was made (RecordResource.stored_states), signed and tied to the file."""

    preview_states = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def signed(file_name: str, states: dict[str, str]) -> str:
        return signing.dumps([file_name, states], salt=_PREVIEW_SALT, compress=True)

    def clean(self):
        cleaned_data = super().clean()
        try:
            file_name, states = signing.loads(cleaned_data["preview_states"], salt=_PREVIEW_SALT)
        except (signing.BadSignature, KeyError, ValueError):
            file_name, states = None, None
        # None: missing, altered or made for another file, so there is nothing to check by.
        cleaned_data["preview_states"] = (
            states if file_name == cleaned_data.get("import_file_name") else None
        )
        return cleaned_data


class RecordImportExportMixin(ImportExportMixin):
    """Import and Export buttons on a changelist, for CSV and Excel files (the resources in
    mmip/resources.py say what a file holds).

    Whoever may see the records may export them, drafts included: Viewers too. Importing
    adds and changes records, so it takes both permissions: Editors. Every import is
    previewed in full before anything is saved, and is all or nothing, at the confirm step
    too (should the record have changed since the preview).

    The confirm step reads the stored file again and imports it for real. Like a change
    form (mmip/edit_conflicts.py), it carries how each record the file names was stored at the
    preview; the records are locked and compared with that before any row is written, and
    if any changed meanwhile nothing is imported and the message names them, so that
    nobody's edit is undone by a preview that did not show it.
    """

    formats = [CSV, XLSX]
    import_template_name = "admin/record_import.html"
    confirm_form_class = PreviewedImportForm
    # Whole records, every column: a file that lacks some cannot be a faithful copy, and the
    # package's column picker relies on inline script, which the site's CSP forbids.
    export_form_class = ExportForm
    # With a byte-order mark, Excel reads £ and accented names in a CSV correctly.
    to_encoding = "utf-8-sig"

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        confirm_form = context.get("confirm_form")
        if confirm_form is not None:
            confirm_form.initial["preview_states"] = PreviewedImportForm.signed(
                confirm_form.initial["import_file_name"], context["result"].states
            )
        return response

    def process_dataset(self, dataset, form, request, **kwargs):
        if isinstance(form, PreviewedImportForm) and form.cleaned_data["preview_states"] is None:
            return ImportResult.refused(
                "This confirmation does not match the preview it came from. Upload the file "
                "again for a new preview."
            )
        return super().process_dataset(dataset, form, request, **kwargs)

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        data_kwargs = {
            **super().get_import_data_kwargs(**kwargs),
            "rollback_on_validation_errors": True,
        }
        if isinstance(form, PreviewedImportForm):
            data_kwargs["states_at_preview"] = form.cleaned_data["preview_states"]
        return data_kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            problems = result.problems()
            shown = " ".join(problems[:5]) + (
                f" And {len(problems) - 5} more." if len(problems) > 5 else ""
            )
            self.message_user(request, f"Nothing was imported. {shown}", messages.ERROR)
            opts = self.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)

    def get_export_filename(self, request, queryset, file_format):
        plural = str(self.model._meta.verbose_name_plural).replace(" ", "-")
        return f"mmip-{plural}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"
