"""The registry is loaded strictly: every problem named with its source (or provider) and key."""

from pathlib import Path

import pytest
import yaml

from pipelines.reading.registry import load_registry, parse_registry
from pipelines.reading.sources import source_fingerprint
from schemas.registry import RegistryError

FIXTURES = Path(__file__).parent / "fixtures"


def minimal() -> dict:
    return {
        "providers": [{"id": "at-graz", "name": "Graz", "country": "AT"}],
        "sources": [
            {
                "id": "graz-csv",
                "provider": "at-graz",
                "url": "feeds/graz.csv",
                "format": "csv",
                "mapping": {"title": "Titel"},
            }
        ],
    }


def refused(raw: dict) -> str:
    with pytest.raises(RegistryError) as info:
        parse_registry(raw, FIXTURES)
    return str(info.value)


def test_fixture_registry_loads_with_paths_relative_to_its_file():
    registry = load_registry(FIXTURES / "registry.yaml")
    assert [s.id for s in registry.sources] == [
        "graz-csv",
        "register-json",
        "paged-json",
        "exemple-xml",
    ]
    location = registry.resolve_location(registry.sources[0].url)
    assert location == str((FIXTURES / "feeds" / "graz.csv").resolve())
    assert registry.providers_by_id["fr-exemple"].country == "FR"  # written "France"


def test_unknown_key_is_refused_naming_source_and_key():
    raw = minimal()
    raw["sources"][0]["mapping_typo"] = {}
    assert "source 'graz-csv': key 'mapping_typo': unknown key" in refused(raw)


def test_unknown_option_and_unknown_canonical_field_are_refused():
    raw = minimal()
    raw["sources"][0]["options"] = {"delimeter": ";"}
    raw["sources"][0]["mapping"]["ECTS"] = "ects"
    message = refused(raw)
    assert "source 'graz-csv': key 'options.delimeter': unknown key" in message
    assert "source 'graz-csv': key 'mapping': unknown canonical field(s) ['ECTS']" in message


def test_duplicate_ids_are_refused():
    raw = minimal()
    raw["sources"].append(dict(raw["sources"][0]))
    raw["providers"].append(dict(raw["providers"][0]))
    message = refused(raw)
    assert "source 'graz-csv': key 'id': duplicate id" in message
    assert "provider 'at-graz': key 'id': duplicate id" in message


@pytest.mark.parametrize("country", ["XX", "Atlantis", ""])
def test_bad_country_is_refused(country):
    raw = minimal()
    raw["providers"][0]["country"] = country
    assert "provider 'at-graz': key 'country'" in refused(raw)


@pytest.mark.parametrize(
    ("given", "stored"), [("EL", "GR"), ("UK", "GB"), ("Deutschland", "DE"), ("fr", "FR")]
)
def test_country_spellings_are_stored_as_iso_alpha2(given, stored):
    raw = minimal()
    raw["providers"][0]["country"] = given
    assert parse_registry(raw, FIXTURES).providers[0].country == stored


def test_missing_mapping_for_required_field_is_refused():
    raw = minimal()
    raw["sources"][0]["mapping"] = {"ects": "ECTS"}
    assert "source 'graz-csv': key '(entry)': mapping lacks required field(s) ['title']" in refused(
        raw
    )


def test_title_given_by_defaults_satisfies_the_requirement():
    raw = minimal()
    raw["sources"][0]["mapping"] = {}
    raw["sources"][0]["defaults"] = {"title": "Single offering"}
    assert parse_registry(raw, FIXTURES).sources[0].defaults["title"] == "Single offering"


def test_bad_ids_unknown_provider_and_scheme_are_refused():
    raw = minimal()
    raw["sources"][0]["id"] = "../etc"
    raw["sources"].append(
        {
            **minimal()["sources"][0],
            "id": "other",
            "provider": "nobody",
            "url": "file:///etc/passwd",
        }
    )
    message = refused(raw)
    assert "source '../etc': key 'id'" in message
    assert "source 'other': key 'provider': 'nobody' is not a registered provider" in message
    assert "source 'other': key 'url': unsupported URL scheme" in message


def test_xml_source_needs_its_record_element():
    raw = minimal()
    raw["sources"][0]["format"] = "xml"
    assert "options.record" in refused(raw)


def test_auth_names_an_environment_variable_not_a_secret():
    raw = minimal()
    raw["sources"][0]["auth"] = {"header": "X-Api-Key", "value": "s3cret"}
    message = refused(raw)
    assert "key 'auth.value': unknown key" in message
    assert "key 'auth.env'" in message


def test_unreadable_and_invalid_yaml_files(tmp_path):
    with pytest.raises(RegistryError, match="cannot be read"):
        load_registry(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("providers: [\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="not valid YAML"):
        load_registry(bad)
    bad.write_text(yaml.safe_dump(["a list"]), encoding="utf-8")
    with pytest.raises(RegistryError, match="must be a mapping"):
        load_registry(bad)


def test_fingerprint_changes_with_mapping_only():
    first = parse_registry(minimal(), FIXTURES).sources[0]
    raw = minimal()
    raw["sources"][0]["mapping"]["ects"] = "ECTS"
    assert source_fingerprint(parse_registry(raw, FIXTURES).sources[0]) != source_fingerprint(first)
    assert source_fingerprint(parse_registry(minimal(), FIXTURES).sources[0]) == source_fingerprint(
        first
    )
