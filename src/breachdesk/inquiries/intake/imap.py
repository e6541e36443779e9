"""Poll an incident's desk mailbox over IMAP (IMAPS or STARTTLS only) and take new mail in by UID."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import mailbox
import ssl
from typing import Any

from breachdesk.incidents.models import Incident
from breachdesk.inquiries import events
from breachdesk.inquiries.intake import mime
from breachdesk.inquiries.intake.receive import Incoming, inquiry_receive
from breachdesk.inquiries.intake.sender import sender_facts
from breachdesk.inquiries.mailer import DESK_HEADER
from breachdesk.inquiries.models import Channel, DeskConfig

log = logging.getLogger(__name__)
BATCH = 200
MAX_MESSAGE_BYTES = 40 * 1024 * 1024


def _connect(config: DeskConfig) -> imaplib.IMAP4:
    context = ssl.create_default_context(cafile=config.imap_ca_file or None)
    if config.imap_security == DeskConfig.Security.SSL:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(config.imap_host, config.imap_port, ssl_context=context, timeout=30)
    else:
        client = imaplib.IMAP4(config.imap_host, config.imap_port, timeout=30)
        client.starttls(ssl_context=context)
    client.login(config.imap_username, config.imap_password or "")
    return client


def receive_raw(*, incident: Incident, raw: bytes, channel: str, actor: Any) -> Any:
    """Parse raw mail bytes and take them in; return the ``Received`` result."""
    parsed = mime.parse(raw)
    own = _has_desk_header(raw)
    incoming = Incoming.from_mail(parsed, channel=channel, own_header=own)
    facts = sender_facts(raw)
    incoming.reply_to, incoming.auth_results = facts.reply_to, facts.auth_results
    return inquiry_receive(incident=incident, incoming=incoming, actor=actor)


def _has_desk_header(raw: bytes) -> bool:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return DESK_HEADER.lower().encode() + b":" in head.lower()


def mailbox_poll(*, config: DeskConfig, actor: Any = "worker") -> dict[str, int]:
    """Fetch the mail after the last seen UID and take each message in; return counts."""
    incident = config.incident
    fetched = created = dropped = 0
    client = _connect(config)
    try:
        status, data = client.select(config.imap_folder)
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot select {config.imap_folder}")
        validity_raw = (client.untagged_responses.get("UIDVALIDITY") or [b"0"])[0]
        validity = int(validity_raw if isinstance(validity_raw, bytes) else b"0")
        if validity != config.imap_uidvalidity:
            # A new UIDVALIDITY means the server renumbered the folder: read it again; duplicates are skipped by
            # their Message-ID.
            config.imap_uidvalidity = validity
            config.imap_last_uid = 0
        status, data = client.uid("SEARCH", f"UID {config.imap_last_uid + 1}:*")
        uids = [int(u) for u in (data[0] or b"").split() if int(u) > config.imap_last_uid][:BATCH]
        for uid in uids:
            status, parts = client.uid("FETCH", str(uid), "(RFC822.SIZE BODY.PEEK[])")
            raw = b""
            for part in parts or []:
                if isinstance(part, tuple) and len(part) == 2:
                    raw = part[1]
            fetched += 1
            if raw and len(raw) <= MAX_MESSAGE_BYTES:
                result = receive_raw(incident=incident, raw=raw, channel=Channel.EMAIL, actor=actor)
                created += int(result.created)
                dropped += int(bool(result.dropped == "own-message"))
            else:
                log.warning("desk mailbox of incident %s: message UID %s is empty or too large", incident.pk, uid)
            config.imap_last_uid = uid
            config.save(update_fields=["imap_last_uid", "imap_uidvalidity", "updated_at"])
    finally:
        with contextlib.suppress(Exception):  # the connection is closing anyway
            client.logout()
    if fetched:
        events.mailbox_polled_event(incident=incident, actor=actor, fetched=fetched, created=created, dropped=dropped)
    return {"fetched": fetched, "created": created, "dropped": dropped}


def mailboxes_poll() -> dict[str, int]:
    """Poll every incident whose desk has a mailbox; a failing mailbox is logged and does not stop the others."""
    totals = {"fetched": 0, "created": 0, "dropped": 0, "errors": 0}
    for config in DeskConfig.objects.exclude(imap_host="").select_related("incident"):
        try:
            result = mailbox_poll(config=config)
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            log.warning("desk mailbox of incident %s failed: %s", config.incident_id, type(exc).__name__)
            totals["errors"] += 1
            continue
        for key, value in result.items():
            totals[key] += value
    return totals


def upload_read(*, incident: Incident, data: bytes, filename: str, actor: Any) -> dict[str, int]:
    """Take in an uploaded ``.eml`` (one message) or ``.mbox`` (many); return counts."""
    import tempfile

    created = threaded = dropped = 0
    raws: list[bytes] = []
    if filename.lower().endswith(".mbox") or data.startswith(b"From "):
        with tempfile.NamedTemporaryFile(suffix=".mbox") as handle:
            handle.write(data)
            handle.flush()
            box = mailbox.mbox(handle.name, create=False)
            raws = [bytes(box.get_bytes(key)) for key in box.iterkeys()]
            box.close()
    else:
        raws = [data]
    for raw in raws:
        result = receive_raw(incident=incident, raw=raw, channel=Channel.UPLOAD, actor=actor)
        if result.dropped:
            dropped += 1
        elif result.created:
            created += 1
        else:
            threaded += 1
    return {"messages": len(raws), "created": created, "threaded": threaded, "dropped": dropped}
