"""Duplicate detection declared as data, in the manner of splink: which pairs are compared
(blocking), what each compared field weighs (comparisons), and when a pair is a match.

Weights are log2 Bayes factors set by hand from what the fields mean rather than estimated by
EM: a catalogue needs merges that are explainable and that do not drift from run to run. Every
weight and threshold can be changed in the registry (key `matching`). Adding a compared field is
one `Comparison` below: its weights become settings and its evidence a column of `matches`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

#: How a field's values are made comparable (`pipelines.dedup.keys`): `code` compares text for
#: equality, `number` numbers, `url` pages after normalisation (a URL several records of one
#: source share is a catalogue page and counts as unknown), `series` the numbers in a title,
#: `languages` whether two lists of languages overlap.
KeyKind = Literal["code", "number", "url", "series", "languages"]


@dataclass(frozen=True)
class Comparison:
    """One field compared between the two records of a pair.

    A pair's level is `unknown` (either record lacks the value: weighs nothing), `agree` or
    `disagree`; the two weights are the defaults of the settings `<setting>_<agree>` and
    `<setting>_<disagree>`. A comparison with `unknown=None` always has a value.
    """

    name: str  # evidence column of `matches`
    field: str  # canonical column compared
    key: KeyKind
    weights: tuple[float, float]  # agree, disagree
    description: str
    agree: str = "equal"
    disagree: str = "differs"
    unknown: str | None = "unknown"
    setting: str = ""  # prefix of the weight settings; the name when empty

    @property
    def levels(self) -> tuple[str, str, str]:
        """The words of level codes 0 (unknown), 1 (agree) and 2 (disagree)."""
        return (self.unknown or self.agree, self.agree, self.disagree)

    @property
    def settings(self) -> tuple[str, str]:
        prefix = self.setting or self.name
        return f"{prefix}_{self.agree}", f"{prefix}_{self.disagree}"


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "series",
        "title",
        "series",
        (0.0, -30.0),
        "Numbers in the titles (Part I / II): same or differs",
        agree="same",
        unknown=None,
    ),
    Comparison(
        "url", "url", "url", (12.0, -1.0), "Normalised page URLs: equal, differs or unknown"
    ),
    Comparison("ects", "ects", "number", (2.0, -30.0), "ECTS: equal, differs or unknown"),
    Comparison("eqf", "eqf_level", "number", (1.0, -12.0), "EQF level: equal, differs or unknown"),
    Comparison(
        "languages",
        "languages",
        "languages",
        (1.0, -10.0),
        "Languages: overlap, disjoint or unknown",
        agree="overlap",
        disagree="disjoint",
    ),
    Comparison(
        "isced_f",
        "isced_f_code",
        "code",
        (1.0, -2.0),
        "ISCED-F code: equal, differs or unknown",
        setting="isced",
    ),
)

#: Levels of the title comparison, by code (4 to 6: a word of one title has no counterpart).
TITLE_LEVELS = (
    "different",
    "similar",
    "very similar",
    "equal",
    "different, a word differs",
    "similar, a word differs",
    "very similar, a word differs",
)


class _MatchSettingsBase(BaseModel):
    """Thresholds and weights of duplicate detection (registry key `matching`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider_similarity: float = Field(
        default=90.0,
        ge=50,
        le=100,
        description="a provider name this similar to a registered "
        "name or alias (rapidfuzz ratio) is that provider",
    )
    match_weight: float = Field(default=4.0, description="a pair at or above this is merged")
    review_weight: float = Field(
        default=0.0,
        description="pairs at or above this, or with similar titles, are kept in `matches`",
    )
    title_exact: float = 8.0
    title_high: float = 6.0
    title_high_similarity: float = Field(default=94.0, ge=0, le=100)
    title_close: float = 3.0
    title_close_similarity: float = Field(default=85.0, ge=0, le=100)
    title_far: float = -12.0
    word_differs: float = Field(
        default=-10.0, description="a word of one title has no close counterpart in the other"
    )
    blocking_words: int = Field(
        default=4,
        ge=2,
        le=6,
        description="records are compared when they share two of their titles' this many rarest "
        "words (a typo in one word leaves the others)",
    )
    max_block_size: int = Field(
        default=200, ge=2, description="a blocking key shared by more records is not used"
    )

    def weights(self, comparison: Comparison) -> tuple[float, float, float]:
        """The weights of levels 0 (unknown), 1 (agree) and 2 (disagree) of `comparison`."""
        agree, disagree = comparison.settings
        return 0.0, getattr(self, agree), getattr(self, disagree)


MatchSettings = create_model(
    "MatchSettings",
    __base__=_MatchSettingsBase,
    __doc__=_MatchSettingsBase.__doc__,
    **{
        setting: (float, Field(default=weight, description=f"{c.name} {level}"))
        for c in COMPARISONS
        for setting, weight, level in zip(c.settings, c.weights, (c.agree, c.disagree), strict=True)
    },
)
