"""Say where the desk keeps encrypted values and files, and how their blind indexes are computed (``core.rekey``)."""

from __future__ import annotations

from breachdesk.core.crypto import IncidentCipher
from breachdesk.core.rekey import EncryptedTable, Values


def _sender_index(cipher: IncidentCipher, values: Values) -> dict[str, bytes | None]:
    email = values.get("inquiry.sender_email")
    return {"bidx_sender_email": cipher.blind_index("email", email) if email else None}


def _message_index(cipher: IncidentCipher, values: Values) -> dict[str, bytes | None]:
    value = (values.get("message.message_id") or "").strip().lower()
    return {"bidx_message_id": cipher.index_normalized("message_id", value) if value else None}


def encrypted_tables() -> list[EncryptedTable]:
    return [
        EncryptedTable(
            model="inquiries.DeskConfig",
            table="inquiries.deskconfig",
            columns={"imap_password_enc": "imap_password"},
        ),
        EncryptedTable(
            model="inquiries.Inquiry",
            table="inquiries.inquiry",
            columns={
                "subject_enc": "inquiry.subject",
                "sender_name_enc": "inquiry.sender_name",
                "sender_email_enc": "inquiry.sender_email",
                "sender_phone_enc": "inquiry.sender_phone",
                "reply_to_enc": "inquiry.reply_to",
            },
            reindex=_sender_index,
        ),
        EncryptedTable(
            model="inquiries.Message",
            table="inquiries.message",
            columns={
                "message_id_enc": "message.message_id",
                "references_enc": "message.references",
                "from_enc": "message.from",
                "subject_enc": "message.subject",
                "text_enc": "message.text",
                "html_enc": "message.html",
            },
            reindex=_message_index,
        ),
        EncryptedTable(
            model="inquiries.Attachment",
            table="inquiries.attachment",
            columns={"filename_enc": "attachment.filename", "mail_summary_enc": "attachment.mail_summary"},
            file_column="stored_path",
            file_label="attachment.content",
        ),
        EncryptedTable(
            model="inquiries.Reply",
            table="inquiries.reply",
            columns={"body_enc": "reply.body", "assembled_enc": "reply.assembled", "comment_enc": "reply.comment"},
        ),
    ]
