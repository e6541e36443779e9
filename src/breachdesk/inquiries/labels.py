"""Name the inquiry labels (a contract: the keys are exact) and pack them as bits for counting."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

# The order is the bit order and the display order: append only.
LABELS: dict[str, object] = {
    "affected_check": _("Am I affected?"),
    "leaked_items": _("Which data leaked"),
    "deletion": _("Deletion or unsubscribe"),
    "compensation": _("Compensation"),
    "secondary_damage": _("Secondary damage"),
    "cause_prevention": _("Cause and prevention"),
    "regulator": _("Regulator and police"),
    "protective_advice": _("What should I do"),
    "complaint": _("Complaint about the response"),
    "press": _("Press"),
    "other": _("Other"),
}
LABEL_KEYS: tuple[str, ...] = tuple(LABELS)
OTHER = "other"
BITS: dict[str, int] = {key: 1 << n for n, key in enumerate(LABEL_KEYS)}


def clean_labels(labels: Iterable[str]) -> list[str]:
    """Return valid, sorted, de-duplicated labels; ``other`` only when nothing else is there, never empty."""
    chosen = {label for label in labels if label in BITS}
    if len(chosen) > 1:
        chosen.discard(OTHER)
    return sorted(chosen) or [OTHER]


def mask_of(labels: Iterable[str]) -> int:
    mask = 0
    for label in labels:
        mask |= BITS[label]
    return mask


def label_name(key: str) -> str:
    return str(LABELS.get(key, key))
