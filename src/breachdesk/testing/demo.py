"""Load the OCO demo through its real builders, with a smaller registry and desk so a test stays quick."""

from __future__ import annotations

import functools
from typing import Any

from breachdesk.core.demo_builders import demo_builders


def load_small_demo(monkeypatch: Any, *, members: int = 3_000, affected: int = 1_500, inquiries: int = 60) -> None:
    """Run every app's ``demo.build`` in order, as ``breachdesk demo`` does, with fewer members and inquiries."""
    from breachdesk.inquiries import demo as inquiries_demo
    from breachdesk.registry import demo as registry_demo

    monkeypatch.setattr(
        registry_demo,
        "write_files",
        functools.partial(registry_demo.write_files, members=members, affected=affected),
    )
    monkeypatch.setattr(inquiries_demo, "COUNT", inquiries)
    for _name, module in demo_builders():
        module.build(log=lambda _m: None)
