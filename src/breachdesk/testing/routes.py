"""Walk every URL pattern of the project, so persona tests cover new views and API routes automatically."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    namespace: str

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in _PARAM.finditer(self.route)]

    def build(self, values: dict[str, Any]) -> str:
        """Return the URL with every parameter filled from ``values``; raise KeyError naming a missing one."""

        def fill(match: re.Match[str]) -> str:
            name = match.group("name")
            if name not in values:
                raise KeyError(f"no sample value for URL argument {name!r} in {self.route!r}")
            return str(values[name])

        return "/" + _PARAM.sub(fill, self.route)


def _route_text(pattern: Any) -> str:
    text = str(pattern.pattern)
    return text.lstrip("^").rstrip("$")


def iter_routes(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Yield every concrete route with its full path pattern."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from iter_routes(entry.url_patterns, prefix + _route_text(entry), ns)
        elif isinstance(entry, URLPattern):
            yield Route(route=prefix + _route_text(entry), name=entry.name, namespace=namespace)
