"""Hand notices to the outside world: one module per channel behind ``base.Transport``."""
