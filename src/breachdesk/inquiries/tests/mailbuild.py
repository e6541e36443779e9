"""Write mail as clients do: header encodings (RFC 2047 B and Q words, RFC 2231), bodies and MIME parts.

The building blocks of the mail corpus (``mailcorpus``): each function writes bytes the way a real client is known to,
so the corpus table can say which client and quirk a case stands for.
"""

from __future__ import annotations

import base64
import quopri
import re
import urllib.parse
from collections.abc import Sequence

from breachdesk.core import jpcharset

CRLF = "\r\n"


# --------------------------------------------------------------------------------------------------------------------
# Encoding helpers: the ways clients write headers and bodies
# --------------------------------------------------------------------------------------------------------------------
def encode(text: str, charset: str) -> bytes:
    if charset == "cp50220":
        return jpcharset.iso2022jp_encode(text, errors="strict")
    if charset == "iso-2022-jp":
        # What Apple Mail, Thunderbird and Yahoo! send: strict JIS X 0208 (no extensions).
        return text.encode("iso2022_jp")
    if charset == "shift_jis":
        return text.encode("cp932")
    if charset == "euc-jp":
        return text.encode("euc_jp")
    return text.encode(charset)


def label(charset: str) -> str:
    return {"cp50220": "ISO-2022-JP", "iso-2022-jp": "ISO-2022-JP", "shift_jis": "Shift_JIS"}.get(
        charset, charset.upper()
    )


def words_b(text: str, charset: str, *, per_word: int = 10) -> str:
    """Return RFC 2047 B words, ``per_word`` characters each, folded."""
    chunks = [text[i : i + per_word] for i in range(0, len(text), per_word)] or [""]
    words = [f"=?{label(charset)}?B?{base64.b64encode(encode(c, charset)).decode()}?=" for c in chunks]
    return (CRLF + " ").join(words)


def words_b_split_bytes(text: str, charset: str = "utf-8", size: int = 7) -> str:
    """Return B words that split the encoded bytes anywhere (a character over two words), as some mailers do."""
    data = encode(text, charset)
    words = [
        f"=?{label(charset)}?B?{base64.b64encode(data[i : i + size]).decode()}?=" for i in range(0, len(data), size)
    ]
    return (CRLF + " ").join(words)


def words_q(text: str, charset: str, *, per_word: int = 8) -> str:
    """Return RFC 2047 Q words, ``per_word`` characters each, folded."""
    words = []
    for i in range(0, len(text), per_word) if text else [0]:
        data = encode(text[i : i + per_word], charset)
        encoded = "".join(chr(b) if chr(b).isalnum() and b < 0x80 else "_" if b == 0x20 else f"={b:02X}" for b in data)
        words.append(f"=?{label(charset)}?Q?{encoded}?=")
    return (CRLF + " ").join(words)


def rfc2231(param: str, value: str, charset: str, *, pieces: int = 1) -> str:
    quoted = urllib.parse.quote(encode(value, charset), safe="")
    if pieces == 1:
        return f"{param}*={label(charset)}''{quoted}"
    tokens = re.findall(r"%[0-9A-F]{2}|.", quoted)
    size = -(-len(tokens) // pieces)
    parts = []
    for index in range(pieces):
        piece = "".join(tokens[index * size : (index + 1) * size])
        if not piece:
            break
        prefix = f"{label(charset)}''" if index == 0 else ""
        parts.append(f"{param}*{index}*={prefix}{piece}")
    return (";" + CRLF + " ").join(parts)


def body(text: str, charset: str, cte: str) -> tuple[str, bytes]:
    data = encode(text.replace("\n", CRLF), charset)
    if cte == "base64":
        encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    elif cte == "quoted-printable":
        encoded = quopri.encodestring(data).replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n")
    else:
        encoded = data
    return cte, encoded


def text_part(text: str, charset: str, cte: str, subtype: str = "plain", extra: str = "") -> bytes:
    cte, data = body(text, charset, cte)
    head = f'Content-Type: text/{subtype}; charset="{label(charset)}"{extra}{CRLF}Content-Transfer-Encoding: {cte}'
    return head.encode() + b"\r\n\r\n" + data + b"\r\n"


def html_of(text: str) -> str:
    lines = "".join(f"<div>{line}</div>" for line in text.split("\n"))
    return f'<html><head><style>p{{}}</style></head><body><div dir="ltr">{lines}</div></body></html>'


def attachment_part(
    filename_header: tuple[str, str], data: bytes = b"%PDF-1.4 test\n", ctype: str = "application/pdf"
) -> bytes:
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    head = f"Content-Type: {ctype}{filename_header[0]}{CRLF}Content-Disposition: attachment{filename_header[1]}"
    # Latin-1 carries raw 8-bit file names byte for byte (see the SoftBank and raw-file-name cases).
    return (head + CRLF + "Content-Transfer-Encoding: base64" + CRLF + CRLF).encode("latin-1") + encoded


def multipart(subtype: str, boundary: str, parts: list[bytes], preamble: str = "") -> bytes:
    out = f'Content-Type: multipart/{subtype}; boundary="{boundary}"{CRLF}{CRLF}{preamble}'.encode()
    for part in parts:
        out += f"--{boundary}{CRLF}".encode() + part
    return out + f"--{boundary}--{CRLF}".encode()


def envelope(headers: Sequence[tuple[str, str | bytes]], payload: bytes) -> bytes:
    out = b""
    for key, value in headers:
        out += key.encode() + b": " + (value if isinstance(value, bytes) else value.encode()) + b"\r\n"
    return out + b"MIME-Version: 1.0\r\n" + payload
