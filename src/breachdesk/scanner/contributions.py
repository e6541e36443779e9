"""Register the scanner's dashboard panel."""

from __future__ import annotations

from breachdesk.core import extensions


def contribute() -> None:
    """Register the parts; called once from ``ScannerConfig.ready()``."""
    from breachdesk.scanner.selectors import scan_panel_context

    extensions.panels.register(
        extensions.Panel(
            "scanner", template="scanner/panel.html", context=scan_panel_context, order=60, cache_seconds=10
        )
    )
