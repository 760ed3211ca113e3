"""Standard feed formats: a source with `format: elm` (or `moochub`, `ooapi`, `ob3`,
`occapi`, `xcri`) needs no mapping. Each profile knows where the records are, how pages follow each
other and where every canonical field is; docs/formats/ has the mapping tables.

The profiles plug into the same path as the tabular formats: `pipelines.reading` parses a
document into a `ParsedFeed` and `pipelines.mapping` applies the source's mapping. A profile's own columns are named `<format>::<field>` and are the source's
mapping unless the registry's `mapping` names another path for that field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from connectors.formats.documents import check_record_count
from connectors.profiles import elm, moochub, ob3, occapi, ooapi, xcri
from connectors.profiles.rules import Records, Rule, build_feed
from schemas.formats import profile_column
from schemas.reads import ParsedFeed
from schemas.registry import Source


@dataclass(frozen=True)
class Profile:
    """A standard format, described as data."""

    name: str
    standard: str
    records: str  # where the records are (for the documentation and the validator)
    pagination: str
    rules: tuple[Rule, ...]
    read: Callable[[bytes, str | None], Records]
    #: Changes whenever the profile's rules change, so that cached records are parsed anew.
    version: str = "1"

    @property
    def mapping(self) -> dict[str, str]:
        """The default mapping: every field the profile reads, to its own column."""
        return {rule.field: profile_column(self.name, rule.field) for rule in self.rules}


PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile(
            "elm",
            "European Learning Model v3 (LOQ XML, JSON-LD)",
            "XML: loq:learningOpportunity (else the specifications); JSON-LD: each claim of "
            "each credential, each LearningOpportunity or specification",
            "none (one document)",
            elm.JSONLD_RULES,
            elm.read,
            version="2",
        ),
        Profile(
            "moochub",
            "MOOChub v3 (JSON:API)",
            "data[] (or data, one course)",
            "links.next",
            moochub.RULES,
            moochub.read,
            version="2",
        ),
        Profile(
            "ooapi",
            "Open Education API v5 (courses, offerings)",
            "items[] of a page (or a list, or one object)",
            "pageNumber + 1 while hasNextPage",
            ooapi.RULES,
            ooapi.read,
            version="2",
        ),
        Profile(
            "ob3",
            "Open Badges 3.0 (with the Edubadges micro-credential extension)",
            "credentialSubject.achievement of each credential, or each Achievement",
            "none (one document)",
            ob3.RULES,
            ob3.read,
            version="2",
        ),
        Profile(
            "occapi",
            "Open Course Catalogue API (JSON:API)",
            "data[] (or data, one course)",
            "links.next",
            occapi.RULES,
            occapi.read,
        ),
        Profile(
            "xcri",
            "XCRI-CAP 1.2 (UK course advertising, EN 15982)",
            "each presentation of each course of each provider (a course without presentations "
            "is one record); the root may be a catalog, a provider or a course",
            "none (one document)",
            xcri.RULES,
            xcri.read,
        ),
    )
}


def source_mapping(source: Source) -> dict[str, str]:
    """Where each canonical field is in a source's records: the registry's `mapping` paths, over
    the profile's own for a standard format. Computed fields (`{sql: ...}`) are not paths and
    are not listed."""
    own = PROFILES[source.format].mapping if source.format in PROFILES else {}
    paths = {**own, **source.paths}
    return {field: path for field, path in paths.items() if field not in source.expressions}


def parse_profile_document(
    body: bytes,
    profile: str,
    fields: list[str],
    preferred_language: str | None = None,
    location: str | None = None,
    max_records: int | None = None,
) -> ParsedFeed:
    """Parse one document of a standard format; `fields` are the profile's columns and any
    registry paths; `location` (the document's URL) lets a profile compute the next page.
    More than `max_records` records and the document is refused before they become columns."""
    if not body.strip():
        return ParsedFeed({f: [] for f in dict.fromkeys(fields)}, 0)
    records = PROFILES[profile].read(body, location)
    check_record_count(len(records.views) + len(records.problems), max_records)
    return build_feed(records, fields, preferred_language)


__all__ = ["PROFILES", "Profile", "parse_profile_document", "source_mapping"]
