"""Configure pytest for the whole suite: personas and factories come from ``breachdesk.testing``."""

pytest_plugins = ["breachdesk.testing.fixtures", "breachdesk.testing.smtp"]
