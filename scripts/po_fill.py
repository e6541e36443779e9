"""Fill empty msgstr entries of a .po file from tab-separated ``msgid<TAB>msgstr`` files.

Usage: python scripts/po_fill.py src/breachdesk/locale/ja/LC_MESSAGES/django.po TRANSLATIONS.tsv [...]
Entries that already have a translation are left alone; msgids that are not in the .po are reported.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ENTRY = re.compile(r'(?P<head>(?:^#.*\n)*)msgid (?P<id>(?:".*"\n)+)msgstr (?P<str>(?:".*"\n)+)', re.M)


def _unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"\n'


def main(po_path: str, *tsv_paths: str) -> int:
    table: dict[str, str] = {}
    for tsv in tsv_paths:
        for number, line in enumerate(Path(tsv).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            if "\t" not in line:
                print(f"{tsv}:{number}: no tab", file=sys.stderr)  # noqa: T201
                continue
            source, target = line.split("\t", 1)
            table[source.replace("\\n", "\n")] = target.replace("\\n", "\n")
    text = Path(po_path).read_text(encoding="utf-8")
    filled = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal filled
        msgid = _unquote(match.group("id"))
        head = match.group("head")
        fuzzy = "#, fuzzy" in head
        # makemessages guesses a translation for a new msgid from a similar old one and marks it fuzzy; a fuzzy
        # guess is wrong more often than not, so a translation from the tables replaces it.
        current = "" if fuzzy else _unquote(match.group("str"))
        if msgid and not current and msgid in table:
            filled += 1
            head = "".join(line + "\n" for line in head.splitlines() if not line.startswith(("#| ", "#, fuzzy")))
            return f"{head}msgid {match.group('id')}msgstr {_quote(table[msgid])}"
        return match.group(0)

    text = ENTRY.sub(replace, text)
    Path(po_path).write_text(text, encoding="utf-8")
    empty = [
        _unquote(e.group("id"))
        for e in ENTRY.finditer(text)
        if _unquote(e.group("id")) and not _unquote(e.group("str"))
    ]
    print(f"filled {filled}; still untranslated {len(empty)}", file=sys.stderr)  # noqa: T201
    for item in empty[:50]:
        print(f"  untranslated: {item!r}", file=sys.stderr)  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
