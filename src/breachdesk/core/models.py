"""Hold the models every app shares: the base model, the timeline and the per-incident data keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Give a model timezone-aware creation and update times."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TimelineEvent(models.Model):
    """Record one state change of an incident, hash-chained to the event before it.

    Write these only through ``core.timeline.record``; rows are never updated or deleted.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="timeline_events")
    seq = models.PositiveIntegerField(_("sequence"))
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=200)
    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    data = models.JSONField(_("data"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["incident_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["incident", "seq"], name="timeline_unique_seq")]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.incident_id}#{self.seq} {self.kind}"


class IncidentKey(BaseModel):
    """Hold an incident's data key, wrapped by the master key; destroying it makes the incident's PII unreadable."""

    incident = models.OneToOneField("incidents.Incident", on_delete=models.PROTECT, related_name="data_key")
    wrapped_key = models.BinaryField(null=True, editable=False)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    # The generation of ``wrapped_key`` (1 for the first key; each ``keys rotate-data`` adds one). Every v2 value
    # names the generation it was encrypted with. While a rotation runs, the previous key stays here so that values
    # not yet re-encrypted can still be read; the rotation clears it when none is left.
    generation = models.PositiveIntegerField(default=1)
    previous_wrapped_key = models.BinaryField(null=True, editable=False)
    previous_generation = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("incident data key")
        verbose_name_plural = _("incident data keys")

    def __str__(self) -> str:
        return f"key of incident {self.incident_id}"


class RateCounter(models.Model):
    """Count requests per hashed key and time window, in the database so every web process shares the count.

    The public pages' limits (the inquiry form, the self-check) count here through ``core.ratelimit``; a key is an
    HMAC, never a raw address or index.
    """

    key = models.CharField(max_length=64)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="core_rate_unique")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.count}"


class KeyGeneration(models.Model):
    """Count key events that every process must see at once: a shred (or a data-key rotation) bumps ``value``.

    One row. ``core.crypto.cipher_for`` compares the value with the one its cached ciphers were made under and drops
    them all when it moved, so no process keeps decrypting with a key that another process destroyed.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"key generation {self.value}"


class AccessEvent(models.Model):
    """Record one read of personal data: who, when, which incident, which object, which fields or file, which route.

    Written only through ``core.access_log``; rows are never updated, and each is hash-chained to the incident's
    previous read like the timeline, so a deleted or altered row breaks the chain. The only deletion is the retention
    prune (``access_log.prune``), which removes the oldest reads and moves the incident's ``AccessLogAnchor``.
    ``object`` is ``person:<id>``, ``inquiry:<id>``, ``attachment:<id>``, ``export:<id>`` or ``job-file:<id>``;
    no personal data is stored here.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="access_events")
    seq = models.PositiveIntegerField(_("sequence"))
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=200)
    object = models.CharField(_("object"), max_length=80)
    fields = models.JSONField(_("fields or file"), default=list)
    route = models.CharField(_("route"), max_length=200)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["incident_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["incident", "seq"], name="access_unique_seq")]
        verbose_name = _("access event")
        verbose_name_plural = _("access events")

    def __str__(self) -> str:
        return f"{self.incident_id}#{self.seq} {self.object}"


class AccessLogAnchor(models.Model):
    """Hold where an incident's access log now starts after a retention prune: the last removed read's seq and hash.

    The chain check starts from here instead of the genesis hash, so the remaining reads stay verifiable. Each prune
    also writes the anchor's values into a timeline event (``access_log.pruned``), so a forged anchor (rows deleted
    without a prune) disagrees with the hash-chained timeline.
    """

    incident = models.OneToOneField("incidents.Incident", on_delete=models.PROTECT, related_name="access_log_anchor")
    seq = models.PositiveIntegerField(_("last removed sequence"))
    hash = models.CharField(_("last removed hash"), max_length=64)
    pruned = models.PositiveIntegerField(_("reads removed"), default=0)
    pruned_at = models.DateTimeField(_("pruned at"))

    class Meta:
        verbose_name = _("access log anchor")
        verbose_name_plural = _("access log anchors")

    def __str__(self) -> str:
        return f"access log of incident {self.incident_id} from #{self.seq + 1}"
