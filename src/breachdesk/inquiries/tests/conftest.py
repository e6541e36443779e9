"""Share the desk tests' fixtures: a published first notice (the public form needs it) and a clean cache."""

from __future__ import annotations

from breachdesk.notices.tests.conftest import _clean_cache, pr, published

__all__ = ["_clean_cache", "pr", "published"]
