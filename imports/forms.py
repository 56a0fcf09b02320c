"""The admin's form for uploading a funder's 360Giving file with what staff choose."""

from django import forms
from django.conf import settings

from imports.choices import Choices, Selection
from imports.models import Dataset
from workstreams.models import Workstream


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A 360Giving JSON data package, or a CSV or Excel (.xlsx) file in 360Giving's "
        "spreadsheet layout.",
    )
    programmes = forms.CharField(
        label="Grant programmes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Only grants of these programmes: one title a line. Leave empty for all.",
    )
    funders = forms.CharField(
        label="Funders",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Only grants of these funders: one org-id a line, such as GB-GOR-PB9001.",
    )
    awarded_from = forms.DateField(
        label="Awarded from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    awarded_to = forms.DateField(
        label="Awarded to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label="Holding the text",
        required=False,
        help_text="Only grants whose title, description or identifier holds it.",
    )
    workstreams = forms.ModelMultipleChoiceField(
        Workstream.objects.order_by("display_order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The imported awards join these workstreams (never leaving any they are in).",
    )
    publish = forms.BooleanField(
        label="Publish what is new",
        required=False,
        initial=True,
        help_text="New awards, organisations and programmes go on the public site at once; "
        "untick to keep them as drafts.",
    )
    dataset = forms.ModelChoiceField(
        Dataset.objects.order_by("title"),
        label="A newer file of",
        required=False,
        empty_label="Found from the file",
        help_text="The dataset this file is a newer file of, if the file's address, "
        "publisher and title do not say so.",
    )
    title = forms.CharField(label="Dataset title", required=False, max_length=300)
    publisher = forms.CharField(label="Publisher", required=False, max_length=200)
    source_url = forms.URLField(label="Where it is published", required=False, max_length=500)
    licence = forms.URLField(label="Licence", required=False, max_length=300)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_MEGABYTES
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; this site imports files of up "
                f"to {limit} MB."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("awarded_from"), cleaned.get("awarded_to")
        if start and end and end < start:
            self.add_error("awarded_to", "The end of the award dates cannot be before their start.")
        return cleaned

    def choices(self) -> Choices:
        data = self.cleaned_data
        return Choices(
            selection=Selection(
                programmes=_lines(data["programmes"]),
                funders=_lines(data["funders"]),
                awarded_from=data["awarded_from"],
                awarded_to=data["awarded_to"],
                text=data["text"],
            ),
            workstreams=tuple(workstream.pk for workstream in data["workstreams"]),
            publish=data["publish"],
            dataset_id=data["dataset"].pk if data["dataset"] else None,
            title=data["title"],
            publisher=data["publisher"],
            source_url=data["source_url"],
            licence=data["licence"],
        )
