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

#: How a field's values are made comparable and compared (`pipelines.dedup.keys`), giving a
#: level code per pair: `code` compares text for equality, `number` numbers, `credits` ECTS
#: as stated (not those derived from hours, which depend on a country's rate), `languages`
#: whether two lists of languages overlap (0 unknown, 1 agree, 2 disagree); `series` the numbers
#: in a title (1 same, 2 differ); `course_code` the code written before or after a title
#: (`CS101 ...`); `url` pages after normalisation (0 unknown, 1 equal, 2 another
#: page on the same host, 3 another host; a URL several records of one source share is a
#: catalogue page and counts as unknown); `source` whether the records come from one feed
#: (1 other sources, 2 one source without strong evidence, 3 one source with the same page,
#: 4 one source with records identical but for their ids).
KeyKind = Literal[
    "code", "number", "credits", "url", "series", "course_code", "languages", "source"
]


@dataclass(frozen=True)
class Level:
    """One outcome of a comparison: its name in `matches` and what it weighs. `setting` names
    the registry key (under `matching`) that changes the weight; None for a fixed 0."""

    name: str
    weight: float = 0.0
    setting: str | None = None
    #: Named in a merge's evidence (lineage.merge_reason); an unknown is not.
    shown: bool = True


@dataclass(frozen=True)
class Comparison:
    """One field compared between the two records of a pair: its levels, indexed by the level
    code its key kind gives (level 0 is 'unknown': either record lacks the value)."""

    name: str  # evidence column of `matches`
    field: str  # canonical column compared
    key: KeyKind
    levels: tuple[Level, ...]
    description: str

    @property
    def level_names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)


_UNKNOWN = Level("unknown", shown=False)


def _equality(
    prefix: str, agree: float, disagree: float, words: tuple[str, str] = ("equal", "differs")
) -> tuple[Level, ...]:
    return (
        _UNKNOWN,
        Level(words[0], agree, f"{prefix}_{words[0]}"),
        Level(words[1], disagree, f"{prefix}_{words[1]}"),
    )


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "series",
        "title",
        "series",
        (_UNKNOWN, Level("same"), Level("differs", -30.0, "series_differs")),
        "Numbers in the titles (Part I / II, Beginners1 / Beginners2, 101 / 102): same or differs",
    ),
    Comparison(
        "code",
        "title",
        "course_code",
        _equality("code", 2.0, -12.0),
        "Course codes written with the titles (CS101 / CS102): equal, differs or unknown",
    ),
    Comparison(
        "url",
        "url",
        "url",
        (
            _UNKNOWN,
            Level("equal", 14.0, "url_equal"),
            Level("same host, other page", -4.0, "url_same_host"),
            Level("differs", -1.0, "url_differs"),
        ),
        "Normalised page URLs: equal, another page on the same host, differs, or unknown",
    ),
    Comparison(
        "ects",
        "ects",
        "credits",
        _equality("ects", 2.0, -30.0),
        "ECTS as stated: equal, differs or unknown (ECTS derived from hours are not compared)",
    ),
    Comparison(
        "eqf",
        "eqf_level",
        "number",
        _equality("eqf", 1.0, -12.0),
        "EQF level: equal, differs or unknown",
    ),
    Comparison(
        "languages",
        "languages",
        "languages",
        _equality("languages", 1.0, -10.0, ("overlap", "disjoint")),
        "Languages: overlap, disjoint or unknown",
    ),
    Comparison(
        "isced_f",
        "isced_f_code",
        "code",
        _equality("isced", 1.0, -2.0),
        "ISCED-F code: equal, differs or unknown",
    ),
    Comparison(
        "source",
        "source_id",
        "source",
        (
            _UNKNOWN,
            Level("other sources", shown=False),
            Level("same source", -20.0, "same_source"),
            Level("same source, same page"),
            Level("same source, identical records"),
        ),
        "Two records of one feed with different ids describe different offerings unless they "
        "give the same page or are identical but for their ids",
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
    "one is the other's main title (the other adds a subtitle)",
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
    title_main: float = Field(
        default=3.0,
        description="one title is the other's main title, before a colon or dash (a copy that "
        "drops the subtitle)",
    )
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

    def weights(self, comparison: Comparison) -> tuple[float, ...]:
        """The weight of each level of `comparison`, as the registry sets them."""
        return tuple(
            getattr(self, level.setting) if level.setting else level.weight
            for level in comparison.levels
        )


MatchSettings = create_model(
    "MatchSettings",
    __base__=_MatchSettingsBase,
    __doc__=_MatchSettingsBase.__doc__,
    **{
        level.setting: (float, Field(default=level.weight, description=f"{c.name}: {level.name}"))
        for c in COMPARISONS
        for level in c.levels
        if level.setting
    },
)
