"""Name the phases of an incident.

Apart from the models, so that the playbook (which the models' task titles read) can name them without importing the
models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    DISCOVER = "discover", _("Discover")
    GRASP = "grasp", _("Grasp the situation")
    ANNOUNCE = "announce", _("Announce")
    FOLLOW_UP = "follow_up", _("Follow up")
    CLOSED = "closed", _("Closed")
