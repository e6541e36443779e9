"""Load the OCO demo through its real builders, with a smaller registry and desk so a test stays quick."""

from __future__ import annotations

import functools
import importlib
from typing import Any

from django.apps import apps


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
    builders = []
    for config in apps.get_app_configs():
        if not config.name.startswith("breachdesk."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        builders.append((getattr(module, "ORDER", 100), config.name, module))
    for _order, _name, module in sorted(builders, key=lambda b: (b[0], b[1])):
        module.build(log=lambda _m: None)
