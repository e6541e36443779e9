"""Hold API tokens; only a SHA-256 digest of each token is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from breachdesk.core.models import BaseModel


class ApiToken(BaseModel):
    """Let a user call the API with ``Authorization: Bearer <token>``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # What the token may reach: these incidents, and these capabilities (``Capability`` values; ``view`` implied).
    # Its user's membership must grant the same at each use. A token with no incident reaches nothing.
    incidents = models.ManyToManyField("incidents.Incident", related_name="+", blank=True, verbose_name=_("incidents"))
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
