"""Hold the incident phases apart from the models, so the playbook (which the models' task titles read) can check a
task's phase without importing the models. ``incidents.models`` re-exports ``Phase``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    DISCOVER = "discover", _("Discover")
    GRASP = "grasp", _("Grasp the situation")
    ANNOUNCE = "announce", _("Announce")
    FOLLOW_UP = "follow_up", _("Follow up")
    CLOSED = "closed", _("Closed")
