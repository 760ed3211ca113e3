"""Regenerate isced-f-labels.csv from isced-f.csv and the translation catalogues (.po files).

    python data/reference/make_isced_labels.py ../shared/reference/isced-f-translations

The .po files map each English label (msgid) to its translation (msgstr); a label shared by a
narrow field and its only detailed field gives both codes the same translation.
"""

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def read_po(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    pairs = re.findall(r'msgid "((?:[^"\\]|\\.)*)"\nmsgstr "((?:[^"\\]|\\.)*)"', text)
    return {msgid: msgstr for msgid, msgstr in pairs if msgid and msgstr}


def main(translations: Path) -> None:
    with (HERE / "isced-f.csv").open(encoding="utf-8") as handle:
        codes = [(row["code"], row["label"]) for row in csv.DictReader(handle)]
    rows = [(code, "en", label) for code, label in codes]
    for po in sorted(translations.glob("isced.*.po")):
        language = po.name.split(".")[1]
        catalogue = read_po(po)
        missing = [code for code, label in codes if label not in catalogue]
        if missing:
            raise SystemExit(f"{po.name}: no translation for {missing}")
        rows += [(code, language, catalogue[label]) for code, label in codes]
    with (HERE / "isced-f-labels.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "language", "label"])
        writer.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
