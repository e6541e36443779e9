"""Hold the desk: inquiries and their messages, acknowledgments, answer blocks, replies, deletion requests.

Free text and sender addresses are personal data, so they are AES-GCM encrypted with the incident's key
(``EncryptedField``); threading and sender lookup use HMAC blind indexes of the same key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from breachdesk.core.crypto import EncryptedField, row_id_field
from breachdesk.core.models import BaseModel
from breachdesk.inquiries import labels as label_vocabulary


class Channel(models.TextChoices):
    FORM = "form", _("Web form")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    UPLOAD = "upload", _("Uploaded mail")


class InquiryStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class MatchMethod(models.TextChoices):
    NONE = "", _("Not matched")
    EMAIL = "email", _("Sender address")
    MEMBER_ID = "member_id", _("Member ID in the text")
    PHONE = "phone", _("Phone number")


class DeskConfig(BaseModel):
    """Hold an incident's desk settings: its address, hours, SLA target, public form and mailbox."""

    class Security(models.TextChoices):
        SSL = "ssl", _("IMAPS (TLS from the start)")
        STARTTLS = "starttls", _("STARTTLS")

    incident = models.OneToOneField("incidents.Incident", on_delete=models.CASCADE, related_name="desk_config")
    desk_address = models.EmailField(_("desk address"), default="desk@localhost")
    desk_hours = models.CharField(_("desk hours"), max_length=200, default="平日 9:00〜18:00（土日祝日を除く）")
    notice_url = models.URLField(_("notice link"), blank=True)
    first_answer_business_days = models.PositiveSmallIntegerField(_("first answer within (business days)"), default=2)
    public_form_open = models.BooleanField(_("public form open"), default=True)
    # Acknowledgments are limited per recipient and per incident, per day, so the desk cannot be used to flood anyone.
    ack_per_recipient_day = models.PositiveSmallIntegerField(_("acknowledgments per recipient per day"), default=2)
    ack_per_incident_day = models.PositiveIntegerField(_("acknowledgments per day (whole incident)"), default=2000)
    # Domains (and their subdomains) that the desk's mail may link to besides the public page and the notice link.
    link_domains = models.CharField(_("link domains"), max_length=500, blank=True)
    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    imap_username = models.CharField(_("IMAP user"), max_length=200, blank=True)
    aad_id = row_id_field()
    imap_password_enc = models.BinaryField(null=True, editable=False)
    imap_folder = models.CharField(max_length=200, default="INBOX")
    imap_ca_file = models.CharField(_("CA file"), max_length=500, blank=True)
    imap_last_uid = models.BigIntegerField(default=0)
    imap_uidvalidity = models.BigIntegerField(default=0)
    round_robin_cursor = models.PositiveIntegerField(default=0)
    # The charset of the desk's and the campaigns' mail: UTF-8, or ISO-2022-JP (CP50220) for old carrier phones.
    outbound_charset = models.CharField(
        _("charset of outgoing mail"),
        max_length=12,
        choices=[("utf-8", _("UTF-8 (recommended)")), ("iso-2022-jp", _("ISO-2022-JP (old carrier phones)"))],
        default="utf-8",
    )

    imap_password = EncryptedField("imap_password_enc")

    class Meta:
        verbose_name = _("desk settings")
        verbose_name_plural = _("desk settings")

    def __str__(self) -> str:
        return f"desk of incident {self.incident_id}"


class Inquiry(BaseModel):
    """Gather one conversation with one sender, from any channel, with its labels, match and SLA clock."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="inquiries")
    token = models.CharField(max_length=16, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.OPEN)
    aad_id = row_id_field()
    subject_enc = models.BinaryField(null=True, editable=False)
    sender_name_enc = models.BinaryField(null=True, editable=False)
    sender_email_enc = models.BinaryField(null=True, editable=False)
    sender_phone_enc = models.BinaryField(null=True, editable=False)
    bidx_sender_email = models.BinaryField(null=True, editable=False)
    reply_to_enc = models.BinaryField(null=True, editable=False)
    # The receiving server's SPF/DKIM/DMARC verdicts ({"spf": "pass", ...}); empty when the mail carried none.
    auth_results = models.JSONField(default=dict, blank=True)
    has_email = models.BooleanField(default=False)
    # A web-form sender confirms the address by a link before the desk mails them anything but that one link.
    awaiting_confirmation = models.BooleanField(_("awaiting the sender's confirmation"), default=False)
    sender_confirmed_at = models.DateTimeField(_("sender confirmed at"), null=True, blank=True)
    confirm_digest = models.BinaryField(null=True, editable=False)
    auto_generated = models.BooleanField(_("automatic mail"), default=False)
    labels = models.JSONField(_("labels"), default=list)
    label_bits = models.BigIntegerField(default=0)
    evidence = models.JSONField(default=dict, blank=True)
    labels_corrected = models.BooleanField(default=False)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A member ID or phone number in the text only suggests a person: whoever typed it may be someone else.
    suggested_person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    match_method = models.CharField(max_length=10, choices=MatchMethod.choices, blank=True, default="")
    # A web-form inquiry is matched by the worker, so the form's request does the same work whoever sends it.
    match_pending = models.BooleanField(default=False)
    identity_verified = models.BooleanField(_("identity verified"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    due_at = models.DateTimeField(_("first answer due"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    subject = EncryptedField("subject_enc", "inquiry.subject")
    sender_name = EncryptedField("sender_name_enc", "inquiry.sender_name")
    sender_email = EncryptedField("sender_email_enc", "inquiry.sender_email")
    sender_phone = EncryptedField("sender_phone_enc", "inquiry.sender_phone")
    # ``Reply-To`` when it differs from ``From``: shown, never matched (intake/sender.py).
    reply_to = EncryptedField("reply_to_enc", "inquiry.reply_to")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        indexes = [
            models.Index(fields=["incident", "status", "received_at"], name="inq_status_received"),
            models.Index(fields=["incident", "bidx_sender_email"], name="inq_sender"),
            models.Index(fields=["incident", "assignee", "status"], name="inq_assignee"),
            models.Index(fields=["incident", "-received_at", "-id"], name="inq_list"),  # the desk list's order
        ]

    def __str__(self) -> str:
        return f"inquiry {self.token}"

    @property
    def label_names(self) -> list[tuple[str, str]]:
        return [(key, label_vocabulary.label_name(key)) for key in self.labels]


class Direction(models.TextChoices):
    IN = "in", _("Received")
    OUT = "out", _("Sent")


class MessageKind(models.TextChoices):
    INBOUND = "inbound", _("Inquiry")
    PHONE_NOTE = "phone_note", _("Phone call note")
    ACK = "ack", _("Acknowledgment")
    REPLY = "reply", _("Reply")


class Message(BaseModel):
    """Keep one message of an inquiry: the plain text, the sanitised HTML, and its threading identifiers."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    at = models.DateTimeField(db_index=True)
    bidx_message_id = models.BinaryField(null=True, editable=False)
    aad_id = row_id_field()
    message_id_enc = models.BinaryField(null=True, editable=False)
    references_enc = models.BinaryField(null=True, editable=False)
    from_enc = models.BinaryField(null=True, editable=False)
    subject_enc = models.BinaryField(null=True, editable=False)
    text_enc = models.BinaryField(null=True, editable=False)
    html_enc = models.BinaryField(null=True, editable=False)
    auto_reason = models.CharField(max_length=40, blank=True)
    parse_problems = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    message_id = EncryptedField("message_id_enc", "message.message_id")
    references = EncryptedField("references_enc", "message.references")
    from_address = EncryptedField("from_enc", "message.from")
    subject = EncryptedField("subject_enc", "message.subject")
    text = EncryptedField("text_enc", "message.text")
    html = EncryptedField("html_enc", "message.html")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "bidx_message_id"], name="inq_msg_mid")]

    def __str__(self) -> str:
        return f"{self.kind} message #{self.pk}"


class Attachment(BaseModel):
    """Keep an attachment encrypted on disk; it is offered for download only, never rendered inline."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    aad_id = row_id_field()
    filename_enc = models.BinaryField(null=True, editable=False)
    content_type = models.CharField(max_length=120)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=500, blank=True)
    dropped_reason = models.CharField(max_length=40, blank=True)
    # An attached mail (message/rfc822, a forwarded phishing mail): its own subject, sender and text as JSON, shown
    # apart from the sender's words.
    mail_summary_enc = models.BinaryField(null=True, editable=False)

    filename = EncryptedField("filename_enc", "attachment.filename")
    mail_summary = EncryptedField("mail_summary_enc", "attachment.mail_summary")

    def __str__(self) -> str:
        return f"attachment #{self.pk}"

    def attached_mail(self) -> dict[str, object] | None:
        """Return the attached mail's subject, sender, date, text and file names, or ``None`` for other files."""
        if self.mail_summary_enc is None:
            return None
        import json

        value = json.loads(self.mail_summary or "null")
        return value if isinstance(value, dict) else None


class AckStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    CLAIMED = "claimed", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNCERTAIN = "uncertain", _("Uncertain: check by hand")
    LIMITED = "limited", _("Not sent: limit reached")


class Acknowledgment(BaseModel):
    """Queue the one automatic acknowledgment of an inquiry (at most one per thread: the inquiry is unique)."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    inquiry = models.OneToOneField(Inquiry, on_delete=models.CASCADE, related_name="acknowledgment")
    status = models.CharField(max_length=10, choices=AckStatus.choices, default=AckStatus.PENDING)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    # The worker (``work.heartbeat`` id) holding the claim: the reaper takes the row back only when that worker died.
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_at"], name="inq_ack_queue")]

    def __str__(self) -> str:
        return f"ack of {self.inquiry_id} ({self.status})"


class LabelCorrection(BaseModel):
    """Keep a staff correction of an inquiry's labels as labelled data for tuning the classifier."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="corrections")
    predicted = models.JSONField(default=list)
    corrected = models.JSONField(default=list)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"correction of {self.inquiry_id}"


class ClassifierModel(BaseModel):
    """Hold an incident's own classifier: the base corpus plus its staff corrections, trained by ``classify train``.

    The artefact holds hashed feature weights only (no text). ``active`` marks the one the desk uses; a model that
    lost macro-F1 on the evaluation set against the one in use is kept for the record but never made active.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=40)
    corpus_sha256 = models.CharField(max_length=64)
    artefact = models.BinaryField(editable=False)
    corrections = models.PositiveIntegerField(default=0)
    eval_macro_f1 = models.FloatField()
    baseline_macro_f1 = models.FloatField()
    baseline_version = models.CharField(max_length=40)
    active = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident"], condition=models.Q(active=True), name="inq_one_active_classifier"
            )
        ]

    def __str__(self) -> str:
        return f"classifier {self.version} of incident {self.incident_id}"


class BlockStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    RETIRED = "retired", _("Retired")


class AnswerBlock(BaseModel):
    """Hold one version of an approved answer (想定問答): per label, or general (greeting, apology, closing)."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="answer_blocks")
    key = models.SlugField(_("key"), max_length=40)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(max_length=10, choices=BlockStatus.choices, default=BlockStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    preapproved = models.BooleanField(_("pre-approved for identical use"), default=False)
    preapproved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["incident", "key", "version"], name="inq_block_version")]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class ReplyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    UNCERTAIN = "uncertain", _("Uncertain: check by hand")


class ReplyKind(models.TextChoices):
    ANSWER = "answer", _("Answer")
    DELETION_CONFIRMATION = "deletion_confirmation", _("Deletion confirmation")


class Reply(BaseModel):
    """Hold a reply from draft to sent; ``assembled`` keeps the draft as built from blocks, for the review diff."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="replies")
    kind = models.CharField(max_length=24, choices=ReplyKind.choices, default=ReplyKind.ANSWER)
    status = models.CharField(_("status"), max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.DRAFT)
    aad_id = row_id_field()
    body_enc = models.BinaryField(null=True, editable=False)
    assembled_enc = models.BinaryField(null=True, editable=False)
    comment_enc = models.BinaryField(null=True, editable=False)
    blocks = models.JSONField(default=list, blank=True)
    free_text = models.BooleanField(_("free text"), default=False)
    skips_review = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Everyone who changed the text after the author (user ids): none of them may approve it (``core.four_eyes``).
    editor_ids = models.JSONField(default=list, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.CharField(max_length=32, blank=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    body = EncryptedField("body_enc", "reply.body")
    assembled = EncryptedField("assembled_enc", "reply.assembled")
    comment = EncryptedField("comment_enc", "reply.comment")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["incident", "status"], name="inq_reply_status")]

    def __str__(self) -> str:
        return f"reply #{self.pk} ({self.status})"


class DeletionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class VerificationMethod(models.TextChoices):
    LINK = "link", _("Link sent to the registered address")
    PHONE = "phone", _("Phone check by staff")


class DeletionRequest(BaseModel):
    """Track a request to delete a person's data: an engineer task, then a confirmation reply."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="deletion_requests")
    # The person is set only once the request is verified (a link to their registered address, or a phone check).
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    suggested_person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_method = models.CharField(
        _("verified by"), max_length=10, choices=VerificationMethod.choices, blank=True, default=""
    )
    verification_note = models.CharField(_("questions asked"), max_length=500, blank=True)
    confirm_digest = models.BinaryField(null=True, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=DeletionStatus.choices, default=DeletionStatus.OPEN)
    task = models.ForeignKey("incidents.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The lead's recorded decision: may this person still get notices that the law requires?
    legal_notices_allowed = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["incident", "status"], name="inq_deletion_status")]

    def __str__(self) -> str:
        return f"deletion request #{self.pk}"

    @property
    def verified(self) -> bool:
        return self.verified_at is not None
