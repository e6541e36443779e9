"""Compare the SQL two pieces of work ran, without the values and without the data-key cache's clock.

The cipher cache (``core.crypto``) reloads a data key every 30 seconds and checks the key generation at least once a
second outside a request, so on a slow machine a reload can fall into any measured block. Those reads depend on the
clock, not on the work measured, and tests that compare work leave them out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

KEY_CACHE_TABLES = ("core_keygeneration", "core_incidentkey")
_TABLE = re.compile(r'(?:FROM|INTO|UPDATE|JOIN) "(\w+)"')


def statement_shapes(captured: Iterable[Mapping[str, Any]]) -> list[str]:
    """Return each captured statement as its verb and the tables it names, leaving out the key cache's reads."""
    shapes = []
    for query in captured:
        sql = str(query["sql"]).strip()
        tables = _TABLE.findall(sql)
        verb = sql.split(None, 1)[0].upper() if sql else ""
        if verb == "SELECT" and tables and set(tables) <= set(KEY_CACHE_TABLES):
            continue
        shapes.append(" ".join([verb, *tables]))
    return shapes
