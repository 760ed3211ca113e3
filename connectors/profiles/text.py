"""Multilingual text as the standards write it, and the one rule for choosing a language."""

from __future__ import annotations

import re
from typing import Any

from connectors.formats.json_feed import as_text

_TEXT_KEYS = ("value", "string", "multiline", "name", "uri", "#text", "@value", "noteLiteral")
LANGUAGE_KEYS = ("language", "lang", "inLanguage", "@language")


def language_entries(value: Any) -> list[tuple[str | None, str]]:
    """(language, text) pairs of a multilingual value in the forms the standards use: a plain
    string; a JSON-LD language map `{"en": "..."}`; OOAPI `[{language, value}]`; OCCAPI
    `[{lang, string|multiline|uri}]`; MOOChub `[{inLanguage, name}]`; an XML element read as
    `{"@language", "#text"}`. Document order is kept."""
    if value is None:
        return []
    if isinstance(value, str):
        return [(None, value)] if value.strip() else []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [(None, as_text(value))]
    if isinstance(value, list):
        return [pair for item in value for pair in language_entries(item)]
    if not isinstance(value, dict):
        return []
    text_key = next((k for k in _TEXT_KEYS if isinstance(value.get(k), str | list)), None)
    if text_key is not None and (
        any(k in value for k in LANGUAGE_KEYS) or set(value) <= {text_key, "id", "type"}
    ):
        language = next((value[k] for k in LANGUAGE_KEYS if isinstance(value.get(k), str)), None)
        texts = value[text_key] if isinstance(value[text_key], list) else [value[text_key]]
        return [(language, t) for t in texts if isinstance(t, str) and t.strip()]
    pairs = []
    for key, text in value.items():  # a JSON-LD language map
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*", key):
            continue
        for t in text if isinstance(text, list) else [text]:
            if isinstance(t, str) and t.strip():
                pairs.append((key, t))
    return pairs


def _primary(language: str | None) -> str | None:
    return language.replace("_", "-").split("-")[0].casefold() if language else None


def choose_language(
    entries: list[tuple[str | None, str]], preferred: str | None
) -> tuple[str | None, str | None]:
    """(language, text) by the documented rule: the source's `options.language`, else English,
    else the first language the document gives. Tags match on their primary subtag (en-GB: en)."""
    if not entries:
        return None, None
    for wanted in (preferred, "en"):
        if wanted:
            for language, text in entries:
                if _primary(language) == _primary(wanted):
                    return language, text
    return entries[0]
