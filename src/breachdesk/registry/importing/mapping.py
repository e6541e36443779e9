"""Map a file's headers to data-item keys by the synonyms of data-items.md, with ``--map HEADER=key`` overrides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from breachdesk.registry import items
from breachdesk.registry.importing.errors import BadFile

IDENTIFIERS = ("member_id", "email", "phone")


@dataclass(frozen=True)
class ColumnMap:
    """Say, per column, which item key it holds (``None``: ignored)."""

    headers: list[str]
    keys: list[str | None]
    ignored: list[str]

    def index(self, key: str) -> int | None:
        try:
            return self.keys.index(key)
        except ValueError:
            return None

    @property
    def item_keys(self) -> list[str]:
        """Return the data items the file's columns hold, in vocabulary order."""
        present = {k for k in self.keys if k and k != items.ITEMS_COLUMN}
        return [k for k in items.ITEM_KEYS if k in present]


def parse_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """Return ``{header: key}`` from ``HEADER=key`` strings; ``key`` may be ``-`` to ignore the column."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        header, sep, key = pair.rpartition("=")
        header, key = header.strip(), key.strip()
        if not sep or not header:
            raise BadFile(f"--map needs HEADER=key, got {pair!r}.", code="registry.bad_map")
        if key in ("ignore", ""):
            key = items.IGNORE
        if key not in items.ITEMS and key not in (items.IGNORE, items.ITEMS_COLUMN):
            raise BadFile(
                f"--map {header}={key}: {key!r} is not a data-item key (see data-items.md), 'items' or '-'.",
                code="registry.bad_map",
            )
        overrides[header] = key
    return overrides


def map_headers(headers: list[str], overrides: dict[str, str] | None = None, *, strict: bool = True) -> ColumnMap:
    """Return the column map of ``headers``.

    Raise ``BadFile`` on duplicate headers, two columns for one item, an override naming no column, and (when
    ``strict``) headers that match no item; a lenient map ignores unknown columns instead.
    """
    overrides = dict(overrides or {})
    by_normal = {items.normalize_header(h): h for h in overrides}
    headers = list(headers)
    while headers and not headers[-1].strip():
        headers.pop()
    seen: dict[str, int] = {}
    for position, header in enumerate(headers, start=1):
        normal = items.normalize_header(header)
        if normal and normal in seen:
            raise BadFile(
                f"The header {header!r} appears twice (columns {seen[normal]} and {position}). Rename one of them.",
                code="registry.duplicate_header",
            )
        seen[normal] = position
    keys: list[str | None] = []
    unknown: list[str] = []
    ignored: list[str] = []
    used = set()
    for position, header in enumerate(headers, start=1):
        normal = items.normalize_header(header)
        override_header = header if header in overrides else by_normal.get(normal)
        key: str | None
        if override_header is not None:
            key = overrides.pop(override_header)
        elif not normal:
            key = None
            if strict:
                unknown.append(f"(column {position} has no header)")
        else:
            key = items.key_for_header(header)
            if key is None:
                (unknown if strict else ignored).append(header)
        if key == items.IGNORE:
            ignored.append(header)
            key = None
        if key is not None:
            if key in used:
                raise BadFile(
                    f"Two columns hold the same item {key!r} (one is {header!r}). Ignore one with --map '{header}=-'.",
                    code="registry.duplicate_key",
                )
            used.add(key)
        keys.append(key)
    if overrides:
        raise BadFile(f"--map names headers that are not in the file: {', '.join(overrides)}.", code="registry.bad_map")
    if unknown:
        raise BadFile(
            f"These headers match no data item: {', '.join(unknown)}. Map them with --map 'HEADER=key' "
            "(or --map 'HEADER=-' to skip the column).",
            code="registry.unknown_header",
        )
    return ColumnMap(headers=headers, keys=keys, ignored=ignored)


def require_identifier(column_map: ColumnMap, *, allow_name: bool = False) -> None:
    """Raise ``BadFile`` unless some column can tell people apart (name with birth date or address if allowed)."""
    used = set(column_map.keys)
    if used & set(IDENTIFIERS):
        return
    if allow_name and "name" in used and used & {"birth_date", "address"}:
        return
    wanted = "a member ID, an email address or a phone number"
    if allow_name:
        wanted += ", or a name with a birth date or an address"
    raise BadFile(f"No column holds {wanted}, so people cannot be told apart.", code="registry.no_identifier")
