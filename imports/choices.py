"""What staff choose when they import a file: which of its grants (a Selection), into which
dataset, with which workstreams, which matches by name they confirm, and whether the new
awards are published. The same choices drive the preview, the apply, the command line and
the admin's pages."""

import datetime
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Selection:
    """A part of a file, because a funder's file holds far more than this programme: grants
    of these programme titles, of these funders (by org-id), awarded between these dates,
    whose title, description or identifier holds this text. Every condition given must hold;
    with none, every grant is taken."""

    programmes: tuple[str, ...] = ()
    funders: tuple[str, ...] = ()
    awarded_from: datetime.date | None = None
    awarded_to: datetime.date | None = None
    text: str = ""

    def __post_init__(self):
        # Compared without regard to case or the spaces around them.
        object.__setattr__(
            self, "programmes", tuple(p.strip() for p in self.programmes if p.strip())
        )
        object.__setattr__(self, "funders", tuple(f.strip() for f in self.funders if f.strip()))
        object.__setattr__(self, "text", self.text.strip())

    @property
    def is_everything(self) -> bool:
        return not (
            self.programmes or self.funders or self.awarded_from or self.awarded_to or self.text
        )

    def picks(self, grant) -> bool:
        """Whether the grant, as the file gives it, is chosen by programme, funder and text.
        The date range is asked of the award date once it is read (in_range)."""
        if not isinstance(grant, dict):
            return self.is_everything
        if self.programmes and not {
            str(programme.get("title", "")).strip().casefold()
            for programme in _objects(grant.get("grantProgramme"))
        } & {programme.casefold() for programme in self.programmes}:
            return False
        if self.funders and not {
            str(funder.get("id", "")).strip()
            for funder in _objects(grant.get("fundingOrganization"))
        } & set(self.funders):
            return False
        if self.text:
            words = " ".join(
                value
                for value in (grant.get("title"), grant.get("description"), grant.get("id"))
                if isinstance(value, str)
            )
            if self.text.casefold() not in words.casefold():
                return False
        return True

    def in_range(self, day: datetime.date) -> bool:
        return (self.awarded_from is None or day >= self.awarded_from) and (
            self.awarded_to is None or day <= self.awarded_to
        )

    def as_json(self) -> dict:
        found = asdict(self)
        for name in ("awarded_from", "awarded_to"):
            found[name] = found[name].isoformat() if found[name] else None
        found["programmes"], found["funders"] = list(self.programmes), list(self.funders)
        return {name: value for name, value in found.items() if value}

    @classmethod
    def from_json(cls, data: dict) -> "Selection":
        dates = {
            name: datetime.date.fromisoformat(data[name])
            for name in ("awarded_from", "awarded_to")
            if data.get(name)
        }
        return cls(
            programmes=tuple(data.get("programmes", ())),
            funders=tuple(data.get("funders", ())),
            text=data.get("text", ""),
            **dates,
        )

    def described(self) -> str:
        """The selection in words, for the preview and the summary."""
        parts = []
        if self.programmes:
            parts.append("programme " + " or ".join(f"“{p}”" for p in self.programmes))
        if self.funders:
            parts.append("funder " + " or ".join(self.funders))
        if self.awarded_from or self.awarded_to:
            start = self.awarded_from.isoformat() if self.awarded_from else "the start"
            end = self.awarded_to.isoformat() if self.awarded_to else "now"
            parts.append(f"awarded from {start} to {end}")
        if self.text:
            parts.append(f"holding “{self.text}”")
        return "; ".join(parts) if parts else "every grant in the file"


def _objects(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@dataclass(frozen=True)
class Choices:
    selection: Selection = field(default_factory=Selection)
    workstreams: tuple[int, ...] = ()
    # The file's identifiers of organisations whose match by name alone staff confirmed.
    confirmed: frozenset[str] = frozenset()
    publish: bool = True
    # The dataset: an existing one named by key, or what the file does not say of itself
    # (a spreadsheet says nothing of its title, publisher or address).
    dataset_id: int | None = None
    title: str = ""
    publisher: str = ""
    source_url: str = ""
    licence: str = ""

    def as_json(self) -> dict:
        return {
            "selection": self.selection.as_json(),
            "workstreams": list(self.workstreams),
            "confirmed": sorted(self.confirmed),
            "publish": self.publish,
            "dataset_id": self.dataset_id,
            "title": self.title,
            "publisher": self.publisher,
            "source_url": self.source_url,
            "licence": self.licence,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Choices":
        return cls(
            selection=Selection.from_json(data.get("selection", {})),
            workstreams=tuple(data.get("workstreams", ())),
            confirmed=frozenset(data.get("confirmed", ())),
            publish=data.get("publish", True),
            dataset_id=data.get("dataset_id"),
            title=data.get("title", ""),
            publisher=data.get("publisher", ""),
            source_url=data.get("source_url", ""),
            licence=data.get("licence", ""),
        )
