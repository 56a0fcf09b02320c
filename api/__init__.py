"""The read-only JSON API at /api/v1/: every public record type, with the funding explorer's
filters for awards. It reads every app, so it sits at the top of the layers beside
mmip.site (docs/architecture.md); docs/api.md describes it for re-users."""
