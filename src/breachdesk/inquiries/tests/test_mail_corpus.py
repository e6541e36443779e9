"""Parse the corpus of real-world-shaped mail (mailcorpus.py) through the intake path of IMAP and .eml uploads."""

from __future__ import annotations

import pytest

from breachdesk.inquiries.intake import mime
from breachdesk.inquiries.intake.imap import upload_read
from breachdesk.inquiries.models import Attachment, Inquiry
from breachdesk.inquiries.tests import mailcorpus
from breachdesk.inquiries.tests.mailcorpus import Case, same_for_reader
from breachdesk.testing.fixtures import World

CASES = mailcorpus.cases()


def _visible(parsed: mime.ParsedMail) -> list[str]:
    values = [parsed.subject, parsed.from_name, parsed.from_address, parsed.text, parsed.html]
    for attachment in parsed.attachments:
        values.append(attachment.filename)
        if attachment.mail is not None:
            mail = attachment.mail
            values += [mail.subject, mail.from_name, mail.from_address, mail.text, *mail.attachment_names]
    return values


def test_the_corpus_is_wide_enough() -> None:
    assert len(CASES) >= 150
    assert len({case.name for case in CASES}) == len(CASES)
    clients = {case.name.split("-")[0] for case in CASES}
    for client in ("outlook", "thunderbird", "gmail", "iphone", "yahoo", "becky", "docomo", "au", "softbank",
                   "webform", "dsn", "auto", "fwd", "broken", "raw", "huge", "deeply"):  # fmt: skip
        assert client in clients, client
    assert all(case.quirk for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_corpus_mail_shows_what_a_person_should_see(case: Case) -> None:
    parsed = mime.parse(case.raw)
    expected = case.expected
    for value in _visible(parsed):
        assert "\x1b" not in value, "an escape sequence reached the desk"
        if case.decodable:
            assert "\ufffd" not in value, f"a replacement character in {value[:80]!r}"
    assert same_for_reader(parsed.subject) == same_for_reader(expected.subject)
    assert same_for_reader(parsed.from_name) == same_for_reader(expected.from_name)
    assert parsed.from_address == expected.from_address
    for phrase in expected.text:
        assert same_for_reader(phrase) in same_for_reader(parsed.text)
    for phrase in expected.not_in_text:
        assert phrase not in parsed.text, "the attached mail's words were mixed into the customer's text"
    names = [a.filename for a in parsed.attachments]
    assert [same_for_reader(n) for n in names] == [same_for_reader(n) for n in expected.attachments]
    mails = [(a.mail.subject, a.mail.from_address) for a in parsed.attachments if a.mail is not None]
    assert mails == list(expected.attached_mails)
    if expected.charset_flag is not None:
        assert ("charset" in parsed.problems) is expected.charset_flag, parsed.problems
    assert bool(parsed.auto_reason) is expected.auto


@pytest.mark.django_db
def test_the_corpus_goes_through_eml_intake_and_is_stored_as_parsed(world: World) -> None:
    # The path of IMAP polling and of the .eml upload: mime.parse, then inquiry_receive, then the encrypted rows.
    small = [case for case in CASES if len(case.raw) < 2_000_000]
    for case in small:
        result = upload_read(incident=world.incident, data=case.raw, filename=f"{case.name}.eml", actor="t")
        assert result["messages"] == 1, case.name
    seen = 0
    for inquiry in Inquiry.objects.filter(incident=world.incident).prefetch_related("messages"):
        seen += 1
        for value in (inquiry.subject, inquiry.sender_name):
            assert "\x1b" not in (value or "")
    assert seen >= 100  # a repeated Message-ID is stored once: each case's own Message-ID makes nearly all new
    by_name = {a.filename: a for a in Attachment.objects.filter(incident=world.incident)}
    assert "明細①.xlsx" in by_name
    forwarded = by_name[f"{mailcorpus.PHISH_SUBJECT}.eml"]
    summary = forwarded.attached_mail()
    assert summary is not None
    assert summary["from_address"] == mailcorpus.PHISH_FROM[1]
    assert "ロックされました" in str(summary["text"])
