# ruff: noqa: E501 - a table of cases: one case per statement reads better than wrapped fragments
"""Build a corpus of real-world-shaped mail: each case names the client or quirk it stands for and what a person sees.

The messages are written by the team from what the clients are known to send (header encodings, charsets, file name
styles, carrier habits, broken MIME); no third-party mail is copied. ``cases()`` returns them all; ``python -m
breachdesk.inquiries.tests.mailcorpus DIR`` writes them as ``.eml`` files (the browser check uploads some).
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from breachdesk.core import jpcharset
from breachdesk.inquiries.tests.mailbuild import (  # noqa: F401 - the corpus and its tests use them
    attachment_part,
    body,
    encode,
    envelope,
    html_of,
    label,
    multipart,
    rfc2231,
    text_part,
    words_b,
    words_b_split_bytes,
    words_q,
)

CRLF = "\r\n"


@dataclass(frozen=True)
class Expected:
    subject: str
    from_name: str
    from_address: str
    text: tuple[str, ...]  # phrases the customer's text must contain
    attachments: tuple[str, ...] = ()
    attached_mails: tuple[tuple[str, str], ...] = ()  # (subject, sender address) of each attached mail
    not_in_text: tuple[str, ...] = ()  # the attached mail's words, which must stay out of the customer's text
    charset_flag: bool | None = None  # None: not checked
    auto: bool = False


@dataclass(frozen=True)
class Case:
    name: str
    quirk: str
    raw: bytes
    expected: Expected
    decodable: bool = True  # False when the source itself holds undecodable bytes (U+FFFD is then honest)


@dataclass(frozen=True)
class Content:
    key: str
    subject: str
    name: str
    address: str
    body: str
    attachments: tuple[str, ...] = ()
    extensions: bool = False  # holds NEC/IBM extension characters (①, ㈱, 髙, 﨑)
    half_width: bool = False  # holds half-width kana


CONTENTS = (
    Content(
        "inquiry",
        "個人情報漏えいの件について",
        "山田 太郎",
        "taro.yamada@example.jp",
        "先日の漏えいの件で、私の情報が含まれているか教えてください。\nよろしくお願いいたします。",
        ("本人確認書類.pdf",),
    ),
    Content(
        "extensions",
        "【至急】カード不正利用①の件（㈱テスト商事）",
        "髙橋 﨑子",
        "takahashi@example.co.jp",
        "カードの不正利用がありました。①明細 ②利用日 ㈱テスト商事 髙橋﨑子 Ⅲ期 №12",
        ("明細①.xlsx", "髙橋_同意書.pdf"),
        extensions=True,
    ),
    Content(
        "deletion",
        "退会とデータ削除のお願い",
        "佐藤 花子",
        "hanako-sato@example.ne.jp",
        "退会して、私のデータを削除してください。\n電話番号も消してください。",
    ),
    Content(
        "long",
        "お客様の個人情報が流出したとの報道を拝見しましたが、私の住所と電話番号も含まれているのでしょうか",
        "鈴木 一郎（すずき いちろう）",
        "ichiro.suzuki@example.com",
        "報道を見ました。" * 40 + "\n住所と電話番号が含まれているか確認をお願いします。",
        ("スクリーンショット 2026-03-03 10.15.22.png",),
    ),
    Content(
        "mixed",
        "Fwd: 不審なメール (phishing?) について [#ABCDEFGHJK]",
        "Kenji Watanabe 渡辺",
        "k.watanabe@example.org",
        "Hello, 御社を名乗るメールが届きました。URL は https://example.com/login です。",
        ("mail (1).txt",),
    ),
    Content(
        "halfwidth",
        "ｶｰﾄﾞ番号の件",
        "ﾔﾏﾀﾞ ﾊﾅｺ",
        "hanako.1234@example.ne.jp",
        "ｶｰﾄﾞ番号が漏れたか教えてください。ｺﾞﾒﾝﾅｻｲ",
        half_width=True,
    ),
    Content(
        "symbols",
        "窓口 9:00〜18:00 について－確認",
        "田中 美咲",
        "misaki@example.jp",
        "受付時間は 9:00〜18:00 ですか？ ※土日は休み − 了解です。",
        ("質問 (2).docx",),
    ),
    Content(
        "dame-moji",
        "ソフトの表示と予定表について",
        "能登 十兵衛",
        "noto@example.jp",
        "表示されたソフトの予定表で、能力欄の申込みが構わないか確認したいです。",
        ("予定表ソフト.pdf",),
    ),
    Content(
        "short",
        "漏洩",
        "林",
        "hayashi@example.jp",
        "対象ですか",
    ),
)

# JIS X 0208 and CP932 give these characters different code points; a person reads either as the same character.
_SAME = str.maketrans({"〜": "～", "−": "－", "‖": "∥", "¢": "￠", "£": "￡", "¬": "￢", "—": "―"})


def same_for_reader(text: str) -> str:
    """Return ``text`` with the JIS/CP932 mapping differences folded, as a person reading it sees it."""
    return text.translate(_SAME)


def common(
    content: Content, mailer: str, from_value: str | bytes, subject: str | bytes
) -> list[tuple[str, str | bytes]]:
    return [
        ("From", from_value),
        ("To", "desk@example.test"),
        ("Subject", subject),
        ("Date", "Tue, 03 Mar 2026 10:15:22 +0900"),
        ("Message-ID", f"<{mailer}.{content.key}@mail.example.jp>"),
        ("X-Mailer", mailer),
    ]


def _fits(text: str, charset: str) -> bool:
    try:
        encode(text, charset)
    except (UnicodeEncodeError, UnicodeError):
        return False
    return True


def content_fits(content: Content, charset: str) -> bool:
    return all(_fits(t, charset) for t in (content.subject, content.name, content.body, *content.attachments))


def expected_for(content: Content, *, name: str | None = None, attachments: tuple[str, ...] | None = None) -> Expected:
    return Expected(
        subject=content.subject,
        from_name=content.name if name is None else name,
        from_address=content.address,
        text=tuple(line for line in content.body.split("\n") if line)[:2],
        attachments=content.attachments if attachments is None else attachments,
    )


# --------------------------------------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------------------------------------
def outlook_windows_jis(content: Content) -> bytes:
    """Outlook (Windows): ISO-2022-JP label with CP50220 bytes, file names as RFC 2047 words inside quotes."""
    cs = "cp50220"
    frm = f'"{words_b(content.name, cs)}" <{content.address}>'
    parts = [text_part(content.body, cs, "7bit")]
    for n, filename in enumerate(content.attachments):
        encoded = words_b(filename, cs, per_word=8)
        parts.append(attachment_part((f'; name="{encoded}"', f'; filename="{encoded}"'), bytes([n]) * 40))
    payload = multipart(
        "mixed", "----=_NextPart_000_0001_01DA", parts, "This is a multi-part message in MIME format.\r\n"
    )
    return envelope(common(content, "Microsoft Outlook 16.0", frm, words_b(content.subject, cs)), payload)


def outlook_windows_utf8(content: Content) -> bytes:
    """Outlook (Windows) set to UTF-8: alternative text/html in base64, file names RFC 2047 inside quotes."""
    cs = "utf-8"
    alt = multipart(
        "alternative",
        "_000_TYCPR01MB_",
        [text_part(content.body, cs, "base64"), text_part(html_of(content.body), cs, "base64", "html")],
    )
    parts = [alt]
    for filename in content.attachments:
        encoded = words_b(filename, cs)
        parts.append(attachment_part((f'; name="{encoded}"', f'; filename="{encoded}"; size=14')))
    payload = multipart("mixed", "_004_TYCPR01MB_", parts)
    frm = f"{words_b(content.name, cs)} <{content.address}>"
    return envelope(common(content, "Microsoft Outlook 16.0", frm, words_b(content.subject, cs)), payload)


def thunderbird(content: Content) -> bytes:
    """Thunderbird: UTF-8 8bit format=flowed, RFC 2231 file names with continuations, Q-encoded name."""
    cs = "utf-8"
    parts = [text_part(content.body, cs, "8bit", extra="; format=flowed")]
    for filename in content.attachments:
        cont = rfc2231("filename", filename, cs, pieces=2)
        parts.append(attachment_part((f"; {rfc2231('name', filename, cs)}", f";{CRLF} {cont}")))
    payload = multipart("mixed", "------------Fv9ZJ0cT4mW1s", parts, "This is a multi-part message in MIME format.\r\n")
    frm = f"{words_q(content.name, cs)} <{content.address}>"
    return envelope(common(content, "Mozilla Thunderbird", frm, words_b(content.subject, cs)), payload)


def gmail_web(content: Content) -> bytes:
    """Gmail web: nested mixed/alternative, plain base64 and HTML quoted-printable, file names RFC 2047 in quotes."""
    cs = "utf-8"
    alt = multipart(
        "alternative",
        "000000000000a1b2c3",
        [text_part(content.body, cs, "base64"), text_part(html_of(content.body), cs, "quoted-printable", "html")],
    )
    parts = [alt]
    for filename in content.attachments:
        encoded = words_b_split_bytes(filename)
        parts.append(attachment_part((f'; name="{encoded}"', f'; filename="{encoded}"')))
    payload = multipart("mixed", "000000000000d4e5f6", parts)
    frm = f"{words_b(content.name, cs)} <{content.address}>"
    return envelope(common(content, "Gmail", frm, words_b_split_bytes(content.subject)), payload)


def gmail_app(content: Content) -> bytes:
    """Gmail app (Android): quoted-printable plain text, RFC 2231 file names, raw UTF-8 (RFC 6532) display name."""
    cs = "utf-8"
    parts = [text_part(content.body, cs, "quoted-printable")]
    for filename in content.attachments:
        parts.append(attachment_part((f"; {rfc2231('name', filename, cs)}", f"; {rfc2231('filename', filename, cs)}")))
    payload = multipart("mixed", "0000000000007f8e9d", parts)
    frm = f'"{content.name}" <{content.address}>'.encode()
    return envelope(common(content, "Gmail for Android", frm, words_b(content.subject, cs)), payload)


def iphone_mail(content: Content) -> bytes:
    """iPhone Mail: quoted-printable UTF-8, RFC 2231 file names, Apple-Mail boundary, inline disposition."""
    cs = "utf-8"
    parts = [text_part(content.body, cs, "quoted-printable")]
    for filename in content.attachments:
        name = rfc2231("filename", filename, cs)
        encoded = base64.encodebytes(b"JPEGDATA").replace(b"\n", b"\r\n")
        head = f"Content-Type: application/octet-stream;{CRLF} {rfc2231('name', filename, cs)}{CRLF}"
        head += f"Content-Disposition: inline;{CRLF} {name}{CRLF}Content-Transfer-Encoding: base64{CRLF}{CRLF}"
        parts.append(head.encode() + encoded)
    payload = multipart("mixed", "Apple-Mail-3F1A2B3C-4D5E", parts)
    frm = f"{words_b(content.name, cs)} <{content.address}>"
    return envelope(common(content, "iPhone Mail (21D61)", frm, words_b(content.subject, cs)), payload)


def iphone_mail_jis(content: Content) -> bytes:
    """iPhone/Mac Mail in its ISO-2022-JP mode (strict JIS X 0208, ～ written as WAVE DASH), Q-encoded names."""
    cs = "iso-2022-jp"
    parts = [text_part(content.body, cs, "7bit")]
    for filename in content.attachments:
        parts.append(attachment_part((f'; name="{words_b(filename, cs)}"', f'; filename="{words_b(filename, cs)}"')))
    payload = multipart("mixed", "Apple-Mail=_0A1B2C", parts)
    frm = f"{words_b(content.name, cs)} <{content.address}>"
    return envelope(common(content, "Apple Mail (2.3731)", frm, words_b(content.subject, cs)), payload)


def yahoo_japan(content: Content) -> bytes:
    """Yahoo! Mail Japan: ISO-2022-JP 7bit, one long B word per header, file names as RFC 2047 words."""
    cs = "iso-2022-jp"
    parts = [text_part(content.body, cs, "7bit")]
    for filename in content.attachments:
        encoded = words_b(filename, cs, per_word=200)
        parts.append(attachment_part((f'; name="{encoded}"', f'; filename="{encoded}"')))
    payload = multipart("mixed", "0-123456789-1709428522=:12345", parts)
    frm = f"{words_b(content.name, cs, per_word=200)} <{content.address}>"
    return envelope(common(content, "YahooMailWebService", frm, words_b(content.subject, cs, per_word=200)), payload)


def becky(content: Content) -> bytes:
    """Becky! Internet Mail: ISO-2022-JP (CP50220), RFC 2231 file names in ISO-2022-JP, short B words."""
    cs = "cp50220"
    parts = [text_part(content.body, cs, "7bit")]
    for filename in content.attachments:
        parts.append(
            attachment_part((f'; name="{words_b(filename, cs)}"', f"; {rfc2231('filename', filename, cs, pieces=3)}"))
        )
    payload = multipart("mixed", "----_NextPart_BECKY_2.81", parts)
    frm = f"{words_b(content.name, cs, per_word=4)} <{content.address}>"
    return envelope(common(content, "Becky! ver. 2.81.04", frm, words_b(content.subject, cs, per_word=4)), payload)


def docomo(content: Content) -> bytes:
    """docomo carrier mail: Shift_JIS base64 body, Shift_JIS B-word subject, address only, no file names encoded."""
    cs = "shift_jis"
    address = "taro-" + content.key + "@docomo.ne.jp"
    parts = [text_part(content.body, cs, "base64")]
    for filename in content.attachments:
        parts.append(attachment_part((f'; name="{words_b(filename, cs)}"', f'; filename="{words_b(filename, cs)}"')))
    payload = multipart("mixed", "--docomo_boundary--", parts) if parts[1:] else parts[0]
    return envelope(common(content, "docomo", address, words_b(content.subject, cs)), payload)


def au_carrier(content: Content) -> bytes:
    """au (KDDI) carrier mail: ISO-2022-JP (CP50220) 7bit, single part, address only."""
    cs = "cp50220"
    address = "hana." + content.key + "@ezweb.ne.jp"
    payload = text_part(content.body, cs, "7bit")
    return envelope(common(content, "au", address, words_b(content.subject, cs)), payload)


def softbank(content: Content) -> bytes:
    """SoftBank carrier mail: Shift_JIS quoted-printable, Q-encoded Shift_JIS subject, raw Shift_JIS file names."""
    cs = "shift_jis"
    address = "user." + content.key + "@softbank.ne.jp"
    parts = [text_part(content.body, cs, "quoted-printable")]
    for filename in content.attachments:
        raw_name = encode(filename, cs).decode("latin-1")
        parts.append(attachment_part((f'; name="{raw_name}"', f'; filename="{raw_name}"')))
    payload = multipart("mixed", "softbank_mms_0001", parts) if parts[1:] else parts[0]
    return envelope(common(content, "SoftBank", address, words_q(content.subject, cs)), payload)


def euc_mailer(content: Content) -> bytes:
    """An old Unix mailer (Mew/Wanderlust era): EUC-JP body, EUC-JP B-word subject."""
    cs = "euc-jp"
    payload = text_part(content.body, cs, "8bit")
    frm = f"{words_b(content.name, cs)} <{content.address}>"
    return envelope(common(content, "Wanderlust/2.15", frm, words_b(content.subject, cs)), payload)


CLIENTS: tuple[tuple[str, Callable[[Content], bytes], str, bool], ...] = (
    # name, builder, charset used for the text, whether the client's name reaches the desk
    ("outlook-win-jis", outlook_windows_jis, "cp50220", True),
    ("outlook-win-utf8", outlook_windows_utf8, "utf-8", True),
    ("thunderbird", thunderbird, "utf-8", True),
    ("gmail-web", gmail_web, "utf-8", True),
    ("gmail-app", gmail_app, "utf-8", True),
    ("iphone-mail", iphone_mail, "utf-8", True),
    ("iphone-mail-jis", iphone_mail_jis, "iso-2022-jp", True),
    ("yahoo-japan", yahoo_japan, "iso-2022-jp", True),
    ("becky", becky, "cp50220", True),
    ("docomo", docomo, "shift_jis", False),
    ("au", au_carrier, "cp50220", False),
    ("softbank", softbank, "shift_jis", False),
    ("euc-mailer", euc_mailer, "euc-jp", True),
)
_ADDRESS = {"docomo": "taro-{}@docomo.ne.jp", "au": "hana.{}@ezweb.ne.jp", "softbank": "user.{}@softbank.ne.jp"}


def client_cases() -> list[Case]:
    out: list[Case] = []
    for client, builder, charset, has_name in CLIENTS:
        for content in CONTENTS:
            if not content_fits(content, charset):
                continue  # this client would switch to UTF-8 for this text: covered by the UTF-8 clients
            expected = expected_for(content, name=content.name if has_name else "")
            if client in ("au", "euc-mailer"):  # single-part clients: no attachments
                expected = Expected(**{**expected.__dict__, "attachments": ()})
            if not has_name:
                expected = Expected(**{**expected.__dict__, "from_address": _ADDRESS[client].format(content.key)})
            if charset == "cp50220" or charset == "iso-2022-jp":
                # ISO-2022-JP cannot hold half-width kana: CP50220 turns them full-width, as Outlook does.
                expected = Expected(
                    **{
                        **expected.__dict__,
                        "subject": jpcharset._halfwidth_kana_to_full(expected.subject),
                        "from_name": jpcharset._halfwidth_kana_to_full(expected.from_name),
                        "text": tuple(jpcharset._halfwidth_kana_to_full(t) for t in expected.text),
                    }
                )
            quirk = (builder.__doc__ or "").strip()
            out.append(Case(f"{client}-{content.key}", quirk, builder(content), expected))
    return out


# --------------------------------------------------------------------------------------------------------------------
# Special cases: robots, forwarded mail, broken MIME, size
# --------------------------------------------------------------------------------------------------------------------
def _simple(subject: str, body_bytes: bytes, headers: str, frm: str | bytes = "a@example.jp") -> bytes:
    head = [("From", frm), ("To", "desk@example.test"), ("Subject", subject), ("Message-ID", "<s@example.jp>")]
    return envelope(head, headers.encode() + b"\r\n" + body_bytes)


PHISH_SUBJECT = "【重要】アカウント確認のお願い"
PHISH_FROM = ("アマゾン カスタマーサービス", "no-reply@amaz0n-security.example")
PHISH_BODY = "お客様のアカウントがロックされました。以下のURLから確認してください。"


def phishing_mail(*, charset: str = "utf-8", attachment: str = "請求書.zip") -> bytes:
    parts = [
        multipart(
            "alternative",
            "inner-alt",
            [text_part(PHISH_BODY, charset, "base64"), text_part(html_of(PHISH_BODY), charset, "base64", "html")],
        ),
        attachment_part(
            (f'; name="{words_b(attachment, "utf-8")}"', f'; filename="{words_b(attachment, "utf-8")}"'),
            b"PK\x03\x04",
            "application/zip",
        ),
    ]
    payload = multipart("mixed", "inner-mixed", parts)
    frm = f"{words_b(PHISH_FROM[0], charset)} <{PHISH_FROM[1]}>"
    head = [("From", frm), ("To", "victim@example.jp"), ("Subject", words_b(PHISH_SUBJECT, charset)),
            ("Message-ID", "<phish@amaz0n-security.example>"), ("Date", "Mon, 02 Mar 2026 23:01:00 +0900")]  # fmt: skip
    return envelope(head, payload)


def forward(
    inner: bytes,
    *,
    outer_text: str = "このメールは御社からのものでしょうか？",
    disposition: str = "",
    wrap: str = "",
    charset: str = "utf-8",
    boundary: str = "fwd-outer",
) -> bytes:
    head = f"Content-Type: message/rfc822{disposition[0:0]}{CRLF}"
    if disposition:
        head = f"Content-Type: message/rfc822{CRLF}Content-Disposition: attachment; {disposition}{CRLF}"
    body_bytes = inner
    if wrap == "base64":
        head += f"Content-Transfer-Encoding: base64{CRLF}"
        body_bytes = base64.encodebytes(inner).replace(b"\n", b"\r\n")
    parts = [text_part(outer_text, charset, "base64"), (head + CRLF).encode() + body_bytes + b"\r\n"]
    payload = multipart("mixed", boundary, parts)
    head_rows: list[tuple[str, str | bytes]] = [("From", "山田 太郎 <taro.yamada@example.jp>".encode()), ("To", "desk@example.test"),
                 ("Subject", words_b("Fw: 不審なメールについて", "utf-8")), ("Message-ID", f"<{boundary}@example.jp>")]  # fmt: skip
    return envelope(head_rows, payload)


def special_cases() -> list[Case]:
    cases: list[Case] = []
    taro = ("山田 太郎", "taro.yamada@example.jp")
    fwd_expected = Expected(
        subject="Fw: 不審なメールについて",
        from_name=taro[0],
        from_address=taro[1],
        text=("このメールは御社からのものでしょうか",),
        attachments=(f"{PHISH_SUBJECT}.eml",),
        attached_mails=((PHISH_SUBJECT, PHISH_FROM[1]),),
        not_in_text=("ロックされました",),
    )

    def add(name: str, quirk: str, raw: bytes, expected: Expected, decodable: bool = True) -> None:
        cases.append(Case(name, quirk, raw, expected, decodable))

    # Forwarded phishing mail -----------------------------------------------------------------------------------------
    add(
        "fwd-phish-plain",
        "phishing mail forwarded as message/rfc822 (Thunderbird 'forward as attachment')",
        forward(phishing_mail()),
        fwd_expected,
    )
    add(
        "fwd-phish-jis-inner",
        "the forwarded mail itself is ISO-2022-JP (CP50220)",
        forward(phishing_mail(charset="cp50220")),
        fwd_expected,
    )
    add(
        "fwd-phish-sjis-inner",
        "the forwarded mail is Shift_JIS with B-word headers",
        forward(phishing_mail(charset="shift_jis")),
        fwd_expected,
    )
    add(
        "fwd-phish-outlook-name",
        "Outlook: the attached .eml has an ISO-2022-JP file name inside quotes",
        forward(phishing_mail(), disposition=f'filename="{words_b("転送メール①.eml", "cp50220")}"'),
        Expected(**{**fwd_expected.__dict__, "attachments": ("転送メール①.eml",)}),
    )
    add(
        "fwd-phish-gmail-name",
        "Gmail: the attached mail named by RFC 2231",
        forward(phishing_mail(), disposition=rfc2231("filename", "不審なメール.eml", "utf-8")),
        Expected(**{**fwd_expected.__dict__, "attachments": ("不審なメール.eml",)}),
    )
    add(
        "fwd-phish-base64",
        "message/rfc822 wrapped in base64 (some webmail forwarders)",
        forward(phishing_mail(), wrap="base64"),
        fwd_expected,
    )
    add("fwd-phish-nested", "a forward of a forward: message/rfc822 inside message/rfc822",
        forward(forward(phishing_mail(), boundary="fwd-inner"), boundary="fwd-outer2"),
        Expected(**{**fwd_expected.__dict__, "attachments": ("Fw_ 不審なメールについて.eml",),
                    "attached_mails": (("Fw: 不審なメールについて", taro[1]),)}))  # fmt: skip
    add(
        "fwd-phish-outer-jis",
        "the customer's own text is ISO-2022-JP with ①",
        forward(phishing_mail(), outer_text="①このメールは御社からのものでしょうか？", charset="cp50220"),
        Expected(**{**fwd_expected.__dict__, "text": ("①このメールは御社からのものでしょうか",)}),
    )

    # Robots ---------------------------------------------------------------------------------------------------------
    original = envelope(
        [("From", f"{words_b('漏えい対応窓口', 'cp50220')} <desk@example.test>"), ("To", "gone@example.jp"),
         ("Subject", words_b("お問い合わせを受け付けました [#ABCDEFGHJK]", "cp50220")),
         ("Message-ID", "<bd.ABCDEFGHJK.1@example.test>")], b"")  # fmt: skip
    for variant, crlf in (("crlf", True), ("lf", False)):
        report = multipart(
            "report",
            "dsn-boundary",
            [
                text_part(
                    "This is the mail system at host mx.example.jp.\nI'm sorry to have to inform you that your message could not be delivered.",
                    "us-ascii",
                    "7bit",
                ),
                b"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.jp\r\n\r\nFinal-Recipient: rfc822; gone@example.jp\r\nAction: failed\r\nStatus: 5.1.1\r\n",
                b"Content-Type: text/rfc822-headers\r\n\r\n" + original,
            ],
        ).replace(b"multipart/report;", b"multipart/report; report-type=delivery-status;")
        raw = envelope([("From", "MAILER-DAEMON@mx.example.jp (Mail Delivery System)"), ("To", "desk@example.test"),
                        ("Subject", "Undelivered Mail Returned to Sender"), ("Return-Path", "<>"),
                        ("Message-ID", f"<dsn-{variant}@mx.example.jp>"), ("Auto-Submitted", "auto-replied")], report)  # fmt: skip
        if not crlf:
            raw = raw.replace(b"\r\n", b"\n")
        add(f"dsn-bounce-{variant}", "DSN bounce: multipart/report with text/rfc822-headers of our Japanese mail",
            raw, Expected("Undelivered Mail Returned to Sender", "Mail Delivery System", "MAILER-DAEMON@mx.example.jp",
                          ("could not be delivered",), ("delivery-status.txt", "お問い合わせを受け付けました [#ABCDEFGHJK].eml"),
                          (("お問い合わせを受け付けました [#ABCDEFGHJK]", "desk@example.test"),), auto=True))  # fmt: skip
    for n, (cs, mailer) in enumerate((("cp50220", "Outlook"), ("utf-8", "Gmail"), ("shift_jis", "docomo"))):
        raw = envelope(
            [("From", f"{words_b('不在 太郎', cs)} <fuzai{n}@example.jp>"), ("To", "desk@example.test"),
             ("Subject", words_b("自動応答: 漏えいのお知らせ（3月10日まで不在）", cs)), ("Auto-Submitted", "auto-replied"),
             ("X-Mailer", mailer), ("Message-ID", f"<oof{n}@example.jp>")],
            text_part("3月10日まで不在にしております。①急ぎの方は㈱テストまで。", cs, "base64"),
        )  # fmt: skip
        add(f"auto-reply-{mailer.lower()}", f"out-of-office auto-reply from {mailer}", raw,
            Expected("自動応答: 漏えいのお知らせ（3月10日まで不在）", "不在 太郎", f"fuzai{n}@example.jp",
                     ("3月10日まで不在にしております。①急ぎの方は㈱テストまで。",), auto=True))  # fmt: skip

    # Web-form notifications ------------------------------------------------------------------------------------------
    form_body = "お問い合わせフォームから送信されました。\nお名前：山田 太郎\nメール：taro.yamada@example.jp\n内容：私の情報は漏れましたか？①"
    for n, (cs, cte) in enumerate((("utf-8", "8bit"), ("utf-8", "base64"), ("cp50220", "7bit"), ("shift_jis", "8bit"))):
        raw = envelope(
            [("From", f"{words_b('お問い合わせフォーム', cs)} <noreply@form.example.jp>"), ("To", "desk@example.test"),
             ("Reply-To", "taro.yamada@example.jp"), ("Subject", words_b("【お問い合わせ】山田 太郎様より", cs)),
             ("Message-ID", f"<form{n}@form.example.jp>")],
            text_part(form_body, cs, cte),
        )  # fmt: skip
        add(f"webform-{n}-{cs}-{cte}", "web-form notification: the robot is From, the customer only in Reply-To and text",
            raw, Expected("【お問い合わせ】山田 太郎様より", "お問い合わせフォーム", "noreply@form.example.jp",
                          ("お名前：山田 太郎", "内容：私の情報は漏れましたか？①")))  # fmt: skip

    # Broken MIME ------------------------------------------------------------------------------------------------------
    text = "退会したいです。①の件も含めて削除してください。"
    sjis = text.encode("cp932")
    add("broken-missing-boundary", "multipart/mixed without a boundary parameter",
        _simple("boundary missing", b"--XyZ\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text.encode()
                + b"\r\n--XyZ\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n--XyZ--\r\n",
                "Content-Type: multipart/mixed\r\n"),
        Expected("boundary missing", "", "a@example.jp", (text,), ("a.pdf",)))  # fmt: skip
    add(
        "broken-wrong-boundary",
        "a boundary that never appears: the body is kept as text",
        _simple("boundary wrong", text.encode(), 'Content-Type: multipart/mixed; boundary="nope"\r\n'),
        Expected("boundary wrong", "", "a@example.jp", (text,)),
    )
    for label_, data, quirk in (
        ("utf-8", sjis, "declared UTF-8, body Shift_JIS"),
        ("iso-2022-jp", sjis, "declared ISO-2022-JP, body Shift_JIS"),
        ("us-ascii", text.encode(), "declared US-ASCII, body UTF-8"),
        ("iso-8859-1", sjis, "declared ISO-8859-1, body Shift_JIS"),
        ("shift_jis", text.encode(), "declared Shift_JIS, body UTF-8"),
        ("x-unknown-charset", sjis, "an unknown charset label"),
        ("", sjis, "no charset, 8-bit Shift_JIS"),
        ("euc-jp", jpcharset.iso2022jp_encode(text), "declared EUC-JP, body ISO-2022-JP"),
    ):
        ctype = f"Content-Type: text/plain; charset={label_}\r\n" if label_ else "Content-Type: text/plain\r\n"
        add(
            f"broken-charset-{label_ or 'none'}",
            quirk,
            _simple("charset wrong", data, ctype),
            Expected("charset wrong", "", "a@example.jp", (text,), charset_flag=True),
        )
    add(
        "ascii-no-charset",
        "plain ASCII mail without a charset (the default): not flagged",
        _simple("hello", b"Is my data affected?\r\n", "Content-Type: text/plain\r\n"),
        Expected("hello", "", "a@example.jp", ("Is my data affected?",), charset_flag=False),
    )
    add(
        "ascii-no-content-type",
        "no Content-Type at all",
        _simple("hello", b"plain\r\n", ""),
        Expected("hello", "", "a@example.jp", ("plain",), charset_flag=False),
    )
    good = base64.b64encode(text.encode()).decode()
    add("broken-base64-length", "base64 with a bad length (a truncated upload)",
        _simple("b64", (good[:-3] + "\r\n").encode(), "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"),
        Expected("b64", "", "a@example.jp", ("退会したいです",)), decodable=False)  # fmt: skip
    add("broken-base64-junk", "base64 with junk characters in it",
        _simple("b64", (good[:20] + "!!*" + good[20:] + "\r\n").encode(), "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"),
        Expected("b64", "", "a@example.jp", ("退会したいです",)), decodable=False)  # fmt: skip
    add("broken-qp-soft", "quoted-printable with lowercase escapes and a bare '='",
        _simple("qp", b"=e9=80=80=E4=BC=9A 100=\r\n%\r\n", "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"),
        Expected("qp", "", "a@example.jp", ("退会",)))  # fmt: skip

    # 8-bit headers ------------------------------------------------------------------------------------------------------
    subject = "個人情報について①"
    for cs, flag in (("utf-8", False), ("cp932", True), ("euc_jis_2004", True)):
        frm = "山田 太郎 <taro.yamada@example.jp>".encode(cs)
        raw = envelope([("From", frm), ("To", "desk@example.test"), ("Subject", subject.encode(cs)),
                        ("Message-ID", f"<raw-{cs}@example.jp>")],
                       f"Content-Type: text/plain; charset={cs}\r\n\r\n".encode() + text.encode(cs))  # fmt: skip
        add(
            f"raw-header-{cs}",
            f"raw 8-bit {cs} in Subject and From (RFC 6532 or an old mailer)",
            raw,
            Expected(subject, "山田 太郎", "taro.yamada@example.jp", (text,), charset_flag=flag),
        )
    raw = envelope([("From", b'"' + jpcharset.iso2022jp_encode("山田 太郎①") + b'" <taro.yamada@example.jp>'),
                    ("Subject", jpcharset.iso2022jp_encode(subject)), ("Message-ID", "<raw-jis@example.jp>")],
                   b"Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n" + jpcharset.iso2022jp_encode(text))  # fmt: skip
    add(
        "raw-header-iso-2022-jp",
        "raw ISO-2022-JP bytes in Subject and From (no encoded words)",
        raw,
        Expected(subject, "山田 太郎①", "taro.yamada@example.jp", (text,)),
    )
    raw = envelope([("From", "taro.yamada@example.jp"), ("Subject", "添付"), ("Message-ID", "<raw-fn@example.jp>")],
                   multipart("mixed", "rf", [text_part(text, "utf-8", "8bit"),
                                              attachment_part(('; name="見積書①.pdf"'.encode("cp932").decode("latin-1"), '; filename="見積書①.pdf"'.encode("cp932").decode("latin-1")))]))  # fmt: skip
    add(
        "raw-filename-sjis",
        "raw Shift_JIS bytes in a quoted file name",
        raw,
        Expected("添付", "", "taro.yamada@example.jp", (text,), ("見積書①.pdf",)),
    )
    raw = envelope([("From", "taro.yamada@example.jp"), ("Subject", "添付"), ("Message-ID", "<raw-fn8@example.jp>")],
                   multipart("mixed", "rf", [text_part(text, "utf-8", "8bit"),
                                              attachment_part(('; name="見積書①.pdf"'.encode().decode("latin-1"), '; filename="見積書①.pdf"'.encode().decode("latin-1")))]))  # fmt: skip
    add(
        "raw-filename-utf8",
        "raw UTF-8 in a quoted file name (RFC 6532 clients)",
        raw,
        Expected("添付", "", "taro.yamada@example.jp", (text,), ("見積書①.pdf",)),
    )
    for n, (frm, name, addr) in enumerate((
        ("山田 太郎 taro.yamada@example.jp".encode(), "山田 太郎", "taro.yamada@example.jp"),
        (b"Taro Yamada taro.yamada@example.jp", "Taro Yamada", "taro.yamada@example.jp"),
        (b"taro.yamada@example.jp (Taro Yamada)", "Taro Yamada", "taro.yamada@example.jp"),
        (f"{words_b('山田 太郎', 'utf-8')} taro.yamada@example.jp".encode(), "山田 太郎", "taro.yamada@example.jp"),
        (f'"{words_b("山田, 太郎", "cp50220")}" <taro.yamada@example.jp>'.encode(), "山田, 太郎", "taro.yamada@example.jp"),
    )):  # fmt: skip
        raw = envelope([("From", frm), ("Reply-To", "<<broken @@ reply"), ("Subject", "from"),
                        ("Message-ID", f"<from{n}@example.jp>")], b"Content-Type: text/plain\r\n\r\nhi\r\n")  # fmt: skip
        add(
            f"from-shape-{n}",
            "sender without angle brackets / comment form, next to an unparsable Reply-To",
            raw,
            Expected("from", name, addr, ("hi",)),
        )
    raw = envelope([("From", "taro.yamada@example.jp"), ("Subject", f'{words_b("分割", "utf-8")}{words_b_split_bytes("された件名①です")}'),
                    ("Message-ID", "<split@example.jp>")], b"Content-Type: text/plain\r\n\r\nx\r\n")  # fmt: skip
    add(
        "subject-split-char",
        "an encoded word boundary inside a UTF-8 character",
        raw,
        Expected("分割された件名①です", "", "taro.yamada@example.jp", ("x",)),
    )
    raw = envelope([("From", "taro.yamada@example.jp"), ("Subject", "=?ISO-2022-JP?B?GyRCJDMkcxsoQg?="),
                    ("Message-ID", "<pad@example.jp>")], b"Content-Type: text/plain\r\n\r\nx\r\n")  # fmt: skip
    add(
        "subject-no-padding",
        "a B word without its base64 padding",
        raw,
        Expected("こん", "", "taro.yamada@example.jp", ("x",)),
    )
    raw = envelope([("From", "taro.yamada@example.jp"), ("Subject", "=?iso-2022-jp?B?" + base64.b64encode(b"\x1b$B$3$s\n").decode() + "?="),
                    ("Message-ID", "<noesc@example.jp>")], b"Content-Type: text/plain; charset=iso-2022-jp\r\n\r\n\x1b$B$3$s$K$A$O\r\nabc\r\n")  # fmt: skip
    add(
        "jis-missing-reset",
        "ISO-2022-JP that never returns to ASCII before the line end",
        raw,
        Expected("こん", "", "taro.yamada@example.jp", ("こんにちは", "abc")),
    )
    raw = envelope([("From", "taro.yamada@example.jp"), ("Subject", "kana"), ("Message-ID", "<kana@example.jp>")],
                   b"Content-Type: text/plain; charset=iso-2022-jp\r\n\r\n\x1b(I6@6E\x1b(B and \x0e6@6E\x0f and \xb6\xc0\xb6\xc5\r\n")  # fmt: skip
    add(
        "jis-half-width-kana",
        "half-width kana by ESC ( I, SO/SI and 8-bit (CP50221/50222)",
        raw,
        Expected("kana", "", "taro.yamada@example.jp", ("ｶﾀｶﾅ and ｶﾀｶﾅ and ｶﾀｶﾅ",)),
    )

    # Huge and nested ----------------------------------------------------------------------------------------------------
    huge = ("個人情報の漏えいについて確認したいことがあります。" * 5000)[:120_000]
    add("huge-body", "a 120,000-character ISO-2022-JP body", envelope(
        [("From", "taro.yamada@example.jp"), ("Subject", words_b("長文", "cp50220")), ("Message-ID", "<huge@example.jp>")],
        text_part(huge, "cp50220", "7bit")), Expected("長文", "", "taro.yamada@example.jp", (huge[:200],)))  # fmt: skip
    many = [text_part("本文です", "utf-8", "base64")] + [
        attachment_part((f'; name="{words_b(f"資料{n}①.pdf", "cp50220")}"', f"; {rfc2231('filename', f'資料{n}①.pdf', 'utf-8')}"))
        for n in range(30)
    ]  # fmt: skip
    add("many-attachments", "30 attachments, each named in both styles", envelope(
        [("From", "taro.yamada@example.jp"), ("Subject", "many"), ("Message-ID", "<many@example.jp>")],
        multipart("mixed", "many", many)), Expected("many", "", "taro.yamada@example.jp", ("本文です",),
                                                    tuple(f"資料{n}①.pdf" for n in range(30))))  # fmt: skip
    nested = text_part("深い階層の本文①", "cp50220", "7bit")
    for depth in range(12):
        nested = multipart("mixed", f"level{depth}", [nested])
    add("deeply-nested", "twelve levels of multipart", envelope(
        [("From", "taro.yamada@example.jp"), ("Subject", "nested"), ("Message-ID", "<nested@example.jp>")], nested),
        Expected("nested", "", "taro.yamada@example.jp", ("深い階層の本文①",)))  # fmt: skip
    big = attachment_part((f'; name="{words_b("顧客一覧.csv", "utf-8")}"', f'; filename="{words_b("顧客一覧.csv", "utf-8")}"'),
                          b"a" * (11 * 1024 * 1024), "text/csv")  # fmt: skip
    add("huge-attachment", "an 11 MB attachment (recorded, not stored)", envelope(
        [("From", "taro.yamada@example.jp"), ("Subject", "big"), ("Message-ID", "<big@example.jp>")],
        multipart("mixed", "big", [text_part("大きな添付です", "utf-8", "8bit"), big])),
        Expected("big", "", "taro.yamada@example.jp", ("大きな添付です",), ("顧客一覧.csv",)))  # fmt: skip
    return cases


def cases() -> list[Case]:
    """Return every case of the corpus: each client with each content it can carry, then the special cases."""
    return client_cases() + special_cases()


def write(directory: Path) -> list[Path]:
    """Write every case as ``<name>.eml`` into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in cases():
        path = directory / f"{case.name}.eml"
        path.write_bytes(case.raw)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write(Path(sys.argv[1] if len(sys.argv) > 1 else "mailcorpus")):
        sys.stdout.write(f"{written}\n")
