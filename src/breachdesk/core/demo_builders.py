"""Find the demo builders: each app's optional ``demo`` module, in the order its ``ORDER`` gives."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.apps import apps


def demo_builders() -> list[tuple[str, ModuleType]]:
    """Return ``(app name, demo module)`` of every breachdesk app that has one, by ``ORDER`` (100), then name."""
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
    return [(name, module) for _order, name, module in sorted(builders, key=lambda b: (b[0], b[1]))]
