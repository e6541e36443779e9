"""Configure pytest for the whole suite: personas and factories come from ``breachdesk.testing``."""

pytest_plugins = ["breachdesk.testing.fixtures", "breachdesk.testing.smtp", "breachdesk.testing.imap"]


def pytest_collection_modifyitems(config: object, items: list[object]) -> None:
    """Leave PostgreSQL-only tests out of the SQLite pass; `make test` runs them in its PostgreSQL pass."""
    from django.conf import settings

    if str(settings.DATABASES["default"]["ENGINE"]).endswith("postgresql"):
        return
    keep = [item for item in items if item.get_closest_marker("postgresql") is None]  # type: ignore[attr-defined]
    dropped = [item for item in items if item.get_closest_marker("postgresql") is not None]  # type: ignore[attr-defined]
    if dropped:
        config.hook.pytest_deselected(items=dropped)  # type: ignore[attr-defined]
        items[:] = keep
