"""A widget as another site embeds it: its address, what it shows in words (the frame's
title) and the size of its frame, and the HTML that embeds it."""

from dataclasses import dataclass

from django.utils.html import format_html

SITE_NAME = "MMIP programme tracker"


def workstream_title(workstream) -> str:
    return f"{workstream.name}: headline figures"


def organisation_title(organisation) -> str:
    return f"{organisation.name}: awards given and received"


@dataclass(frozen=True)
class Widget:
    path: str
    title: str
    width: int
    height: int

    @property
    def frame_title(self) -> str:
        # A frame's title is all a screen reader announces of it before going in: it says
        # what the widget shows and where it comes from.
        return f"{self.title}, from the {SITE_NAME}"

    def code(self, url: str) -> str:
        """The <iframe> to paste into a page, showing the widget at url (this widget's path
        on this site, as an absolute address). It narrows with a narrow page, and scrolls
        when what it shows is taller than its height."""
        return format_html(
            '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" '
            'style="max-width: 100%; border: 1px solid #c5ccd1;"></iframe>',
            url,
            self.frame_title,
            self.width,
            self.height,
        )
