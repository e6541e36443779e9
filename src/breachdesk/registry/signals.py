"""Tell other apps that an incident's registry changed (who is affected, or which items leaked)."""

from django.dispatch import Signal

# Sent with ``incident`` after an import, a leak match, a rollback or a manual entry has been saved.
registry_changed = Signal()
