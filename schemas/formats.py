"""The feed formats a registry source may declare, named once for the registry, the readers,
the validator's command line and the documentation."""

from __future__ import annotations

from typing import Literal

#: Formats described by the registry's own `options` and `mapping`.
TABULAR_FORMATS = ("csv", "json", "xml")
#: Standard formats whose profile knows where the records are and what each field means
#: (connectors/profiles, docs/formats).
PROFILE_FORMATS = ("elm", "moochub", "ooapi", "ob3", "occapi", "xcri")
FORMATS = (*TABULAR_FORMATS, *PROFILE_FORMATS)
FeedFormat = Literal[FORMATS]  # a tuple subscript is the list of values
#: Options that describe a document's structure, which a standard profile knows itself.
PROFILE_KNOWS = ("records", "next", "record", "namespaces")
#: Separates a profile's own column (`elm::title`) from a registry path (`spec.title`).
PROFILE_KEY = "::"


def profile_column(feed_format: str, field: str) -> str:
    """The column a profile fills for `field` (`ob3::title`)."""
    return f"{feed_format}{PROFILE_KEY}{field}"


def is_profile_column(path: str) -> bool:
    """True for a profile's own column (`elm::title`), False for a registry path."""
    return PROFILE_KEY in path
