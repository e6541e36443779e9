"""Hold the registry: the people of an incident (encrypted, with blind indexes) and the jobs that fill it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from breachdesk.core.crypto import EncryptedField, row_id_field
from breachdesk.core.models import BaseModel
from breachdesk.registry import items as item_vocabulary

# The encrypted columns, by the label the cipher binds each value to (the bulk path uses the same labels).
ENCRYPTED = {
    "member_id": "member_id_enc",
    "name": "name_enc",
    "name_kana": "kana_enc",
    "email": "email_enc",
    "phone": "phone_enc",
    "postal_code": "postal_code_enc",
    "address": "address_enc",
    "birth_date": "birth_date_enc",
}
INDEXES = ("bidx_member", "bidx_email", "bidx_phone", "bidx_name_birth", "bidx_name_address")


class Source(models.TextChoices):
    MASTER = "master", _("Member master")
    AFFECTED_LIST = "affected_list", _("Affected list")
    LEAK_MATCH = "leak_match", _("Leaked-file match")


class JobKind(models.TextChoices):
    IMPORT = "import", _("Import")
    MATCH = "match", _("Leak match")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    INTERRUPTED = "interrupted", _("Interrupted: resume or roll back")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    ROLLED_BACK = "rolled_back", _("Rolled back")


class ImportJob(BaseModel):
    """Track one import or leak match: its options, progress checkpoint, counts and side files.

    The job commits per batch together with ``checkpoint_row``; a crashed job therefore is exactly "rows up to the
    checkpoint are in, the rest are not", and can be resumed from there or rolled back.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="registry_jobs")
    kind = models.CharField(_("kind"), max_length=10, choices=JobKind.choices, default=JobKind.IMPORT)
    status = models.CharField(_("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.PENDING)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MASTER)
    file_name = models.CharField(_("file name"), max_length=255)
    file_path = models.CharField(max_length=1024, editable=False)
    owns_file = models.BooleanField(default=False, editable=False)
    options = models.JSONField(default=dict, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    bytes_total = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    checkpoint_row = models.BigIntegerField(default=0)
    rows = models.BigIntegerField(default=0)
    imported = models.BigIntegerField(default=0)
    updated = models.BigIntegerField(default=0)
    duplicates = models.BigIntegerField(default=0)
    rejected = models.BigIntegerField(default=0)
    matched = models.BigIntegerField(default=0)
    unmatched = models.BigIntegerField(default=0)
    items = models.BigIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    errors_path = models.CharField(max_length=1024, blank=True, editable=False)
    report_path = models.CharField(max_length=1024, blank=True, editable=False)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registry job")
        verbose_name_plural = _("registry jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def item_keys(self) -> list[str]:
        return item_vocabulary.keys_of(self.items)

    @property
    def progress_percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.bytes_total:
            return 0
        return min(99, int(self.bytes_done * 100 / self.bytes_total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.ROLLED_BACK)


class Person(models.Model):
    """Hold one person of an incident: a member to reassure, or someone whose data leaked.

    Plaintext personal data never reaches the database: the fields (the member ID too) are AES-GCM encrypted with the
    incident's key, and lookups use HMAC blind indexes, so ``affected`` and ``items`` sit next to nothing readable.
    ``items`` is a bit mask over the data-item vocabulary.
    """

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="registry_people", db_index=False
    )
    aad_id = row_id_field()
    member_id_enc = models.BinaryField(null=True, editable=False)
    bidx_member = models.BinaryField(null=True, editable=False)
    bidx_email = models.BinaryField(null=True, editable=False)
    bidx_phone = models.BinaryField(null=True, editable=False)
    bidx_name_birth = models.BinaryField(null=True, editable=False)
    bidx_name_address = models.BinaryField(null=True, editable=False)
    name_enc = models.BinaryField(null=True, editable=False)
    kana_enc = models.BinaryField(null=True, editable=False)
    email_enc = models.BinaryField(null=True, editable=False)
    phone_enc = models.BinaryField(null=True, editable=False)
    postal_code_enc = models.BinaryField(null=True, editable=False)
    address_enc = models.BinaryField(null=True, editable=False)
    birth_date_enc = models.BinaryField(null=True, editable=False)
    affected = models.BooleanField(_("affected"), default=False)
    items = models.BigIntegerField(_("leaked items"), default=0)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    import_job = models.ForeignKey(  # indexed by Meta's registry_person_job (a second index would slow imports)
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False, db_index=False
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    member_id = EncryptedField("member_id_enc")
    name = EncryptedField("name_enc")
    name_kana = EncryptedField("kana_enc")
    email = EncryptedField("email_enc")
    phone = EncryptedField("phone_enc")
    postal_code = EncryptedField("postal_code_enc")
    address = EncryptedField("address_enc")
    birth_date = EncryptedField("birth_date_enc")

    class Meta:
        ordering = ["id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["incident", "bidx_member"], name="registry_person_member"),
            models.Index(fields=["incident", "bidx_email"], name="registry_person_email"),
            models.Index(fields=["incident", "bidx_phone"], name="registry_person_phone"),
            models.Index(fields=["incident", "bidx_name_birth"], name="registry_person_name_birth"),
            models.Index(fields=["incident", "bidx_name_address"], name="registry_person_name_addr"),
            models.Index(fields=["import_job"], name="registry_person_job"),
        ]

    def __str__(self) -> str:
        return f"person #{self.pk}"

    @property
    def item_keys(self) -> list[str]:
        return item_vocabulary.keys_of(self.items)


class PersonUndo(models.Model):
    """Keep a person's state from before a job changed it, so the job can be rolled back exactly."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+")
    person_id = models.BigIntegerField()
    member_id_enc = models.BinaryField(null=True)
    bidx_member = models.BinaryField(null=True)
    bidx_email = models.BinaryField(null=True)
    bidx_phone = models.BinaryField(null=True)
    bidx_name_birth = models.BinaryField(null=True)
    bidx_name_address = models.BinaryField(null=True)
    name_enc = models.BinaryField(null=True)
    kana_enc = models.BinaryField(null=True)
    email_enc = models.BinaryField(null=True)
    phone_enc = models.BinaryField(null=True)
    postal_code_enc = models.BinaryField(null=True)
    address_enc = models.BinaryField(null=True)
    birth_date_enc = models.BinaryField(null=True)
    affected = models.BooleanField()
    items = models.BigIntegerField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "person_id"], name="registry_undo_once")]

    def __str__(self) -> str:
        return f"undo of person #{self.person_id} by job #{self.job_id}"
