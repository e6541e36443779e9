"""Hold an incident, its members, its tasks and the stakeholders it must keep informed."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from breachdesk.core.models import BaseModel
from breachdesk.core.roles import Role
from breachdesk.incidents.choices import Phase
from breachdesk.incidents.task_texts import playbook_title, render


class EventKind(models.TextChoices):
    LEAK = "leak", _("Leak (漏えい)")
    LOSS = "loss", _("Loss (滅失)")
    DAMAGE = "damage", _("Damage (毀損)")


class Cause(models.TextChoices):
    UNAUTHORIZED_ACCESS = "unauthorized_access", _("Unauthorised access")
    RANSOMWARE = "ransomware", _("Ransomware")
    MALWARE = "malware", _("Malware")
    MISDELIVERY_EMAIL = "misdelivery_email", _("Email sent to the wrong recipient")
    MISDELIVERY_POST = "misdelivery_post", _("Post sent to the wrong recipient")
    MISCONFIGURATION = "misconfiguration", _("Misconfiguration")
    LOST_DEVICE = "lost_device", _("Lost device or papers")
    THEFT = "theft", _("Theft")
    INSIDER = "insider", _("Insider taking data out")
    WEB_SKIMMING = "web_skimming", _("Web skimming")
    PHISHING_BY_USER = "phishing_by_user", _("Phishing of a user")
    OTHER = "other", _("Other")


class Jurisdiction(models.TextChoices):
    JP = "JP", _("Japan (APPI)")
    EU = "EU", _("European Union (GDPR)")


class OrgRole(models.TextChoices):
    CONTROLLER = "controller", _("Controller (handles the data itself)")
    ENTRUSTED = "entrusted", _("Entrusted party (委託先)")
    PROCESSOR = "processor", _("Processor (GDPR)")


code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$",
    _("Use 3–50 lower-case letters, digits and hyphens, starting and ending with a letter or digit."),
)


class Incident(BaseModel):
    """Describe one breach and the response to it."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    title = models.CharField(_("title"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    found_at = models.DateTimeField(_("found at"))
    aware_at = models.DateTimeField(_("aware at"))
    event_kind = models.CharField(_("event"), max_length=10, choices=EventKind.choices, default=EventKind.LEAK)
    suspected = models.BooleanField(_("suspected only"), default=False)
    cause = models.CharField(_("cause"), max_length=30, choices=Cause.choices, default=Cause.OTHER)
    affected_systems = models.TextField(_("affected systems"), blank=True)
    description = models.TextField(_("description"), blank=True)
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices, default=Phase.DISCOVER)
    jurisdictions = models.JSONField(_("jurisdictions"), default=list)
    org_role = models.CharField(_("our role"), max_length=12, choices=OrgRole.choices, default=OrgRole.CONTROLLER)
    principal = models.CharField(_("principal (委託元)"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # How long the access log keeps a read of this incident's personal data; empty keeps every read until the
    # incident is shredded. ``breachdesk access-log --prune`` removes older reads and anchors the chain.
    access_log_retention_days = models.PositiveIntegerField(
        _("access log retention (days)"),
        null=True,
        blank=True,
        help_text=_("Reads older than this are removed from the access log; empty keeps them all."),
    )

    class Meta:
        ordering = ["-aware_at", "code"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Membership(BaseModel):
    """Give a user one role in one incident; a user sees only incidents where they hold a membership."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "user"], name="membership_unique_user")]
        ordering = ["incident_id", "role", "user_id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user_id}@{self.incident_id}:{self.role}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(BaseModel):
    """Track one piece of work in an incident, optionally linked to another object."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks")
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    owner_role = models.CharField(_("owner role"), max_length=12, choices=Role.choices, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    playbook_key = models.CharField(max_length=80, blank=True)
    order = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    link_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    link_id = models.CharField(max_length=64, blank=True)
    link = GenericForeignKey("link_type", "link_id")
    # A task the system writes stores a key of ``task_texts.GENERATED`` and its values; the words come at display.
    title_key = models.CharField(max_length=80, blank=True)
    title_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["incident_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "playbook_key"],
                condition=~models.Q(playbook_key=""),
                name="task_unique_playbook_key",
            )
        ]
        indexes = [models.Index(fields=["incident", "status"])]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """Return the title in the active language (generated tasks) or as written (everything else)."""
        if self.title_key:
            return render(self.title_key, self.title_params, part="title") or self.title
        if self.playbook_key:
            return playbook_title(self.playbook_key, self.title) or self.title
        return self.title

    @property
    def display_description(self) -> str:
        """Return the description in the active language (generated tasks) or as written."""
        rendered = render(self.title_key, self.title_params, part="description") if self.title_key else None
        return rendered or self.description

    @property
    def is_open(self) -> bool:
        return self.status not in (TaskStatus.DONE, TaskStatus.CANCELLED)


class StakeholderKind(models.TextChoices):
    CARD_COMPANY = "card_company", _("Card company")
    PRINCIPAL = "principal", _("Principal (委託元)")
    POLICE = "police", _("Police")
    REGULATOR = "regulator", _("Regulator")
    PARTNER = "partner", _("Partner")
    PRESS = "press", _("Press")
    OTHER = "other", _("Other")


class StakeholderStatus(models.TextChoices):
    NOT_CONTACTED = "not_contacted", _("Not contacted")
    CONTACTED = "contacted", _("Contacted")
    BRIEFED = "briefed", _("Briefed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class Stakeholder(BaseModel):
    """Track an organisation that must be kept informed: card companies, the principal, police, the PPC."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="stakeholders")
    kind = models.CharField(_("kind"), max_length=16, choices=StakeholderKind.choices)
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=StakeholderStatus.choices, default=StakeholderStatus.NOT_CONTACTED
    )
    briefed_at = models.DateTimeField(_("briefed at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["incident_id", "kind", "name"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")

    def __str__(self) -> str:
        return self.name


class EnrolmentGrant(BaseModel):
    """Allow one user to set up a second factor, once, before it expires.

    Issued by a superuser (``breachdesk otp-grant``) or by a lead for a member of their incident. The code goes to
    the user by another channel; only its SHA-256 is stored. Without a live grant a password alone cannot enrol.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_grants")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    incident = models.ForeignKey(Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("second-factor enrolment grant")
        verbose_name_plural = _("second-factor enrolment grants")

    def __str__(self) -> str:
        return f"enrolment grant {self.pk} for user {self.user_id}"
