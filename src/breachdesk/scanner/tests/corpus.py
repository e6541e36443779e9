"""Generate a synthetic corpus with known identifiers and near-miss decoys, and measure the scanner on it.

The corpus is a directory tree: UTF-8 logs, a gzip'd log, a CP932 CSV with Japanese headers, an XLSX workbook,
mysqldump and pg_dump files, JSON Lines, a binary file and a symlink that leaves the root. Every identifier planted
is recorded as (path, line or row, type); the decoys (numbers failing Luhn, 12-digit numbers with a wrong check
digit, long order ids, timestamps, epoch milliseconds, version strings, IP addresses) are recorded too.

Run ``python -m breachdesk.scanner.tests.corpus`` to print the precision and recall table used in docs/scanner.md.
All values are synthetic. Pure Python (openpyxl for the workbook), no Django.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from breachdesk.scanner import detectors
from breachdesk.scanner.detectors import TYPES

Key = tuple[str, int, str]  # relative path, line or row, type


@dataclass
class Corpus:
    """Hold where the corpus is and what was planted in it."""

    root: Path
    planted: Counter[Key] = field(default_factory=Counter)
    decoys: Counter[tuple[str, int]] = field(default_factory=Counter)

    def plant(self, path: str, line: int, kind: str) -> None:
        self.planted[(path, line, kind)] += 1

    def decoy(self, path: str, line: int) -> None:
        self.decoys[(path, line)] += 1


# --------------------------------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------------------------------
_CARD_PREFIXES = (("4", 16), ("4", 13), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("3528", 16),
                  ("3589", 19), ("34", 15), ("37", 15), ("36", 14), ("300", 14), ("6011", 16), ("644", 16),
                  ("649", 16), ("65", 16), ("62", 16), ("62", 19))  # fmt: skip


def _luhn_digit(body: str) -> str:
    for digit in "0123456789":
        if detectors.luhn_valid(digits=body + digit):
            return digit
    raise AssertionError("unreachable")


def card(rng: random.Random, *, valid: bool = True) -> str:
    prefix, length = rng.choice(_CARD_PREFIXES)
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    check = _luhn_digit(body)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    return body + check


def card_written(rng: random.Random, digits: str) -> str:
    style = rng.randrange(3)
    if style == 0 or len(digits) not in (14, 15, 16):
        return digits
    sep = "-" if style == 1 else " "
    if len(digits) == 16:
        return sep.join(digits[i : i + 4] for i in range(0, 16, 4))
    return sep.join((digits[:4], digits[4:10], digits[10:]))


def _my_number_check(body: str) -> int:
    total = sum(int(body[11 - n]) * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def my_number(rng: random.Random, *, valid: bool = True) -> str:
    body = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(10))
    check = _my_number_check(body)
    if not valid:
        check = (check + rng.randint(1, 9)) % 10
        if check == _my_number_check(body):  # 10 wraps to 0 only when the check digit is 0 itself
            check = (check + 1) % 10
    return body + str(check)


def _spaced(digits: str) -> str:
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def phone(rng: random.Random) -> str:
    mobile = f"0{rng.choice('789')}0"
    a, b = rng.randint(1000, 9999), rng.randint(1000, 9999)
    landline = rng.choice(["03", "06", "045", "052", "092", "011"])
    local = "".join(rng.choice("123456789") for _ in range(6 - len(landline)))
    tail = f"{rng.randint(0, 9999):04d}"
    return rng.choice(
        [
            f"{mobile}-{a}-{b}",
            f"{mobile}{a}{b}",
            f"{landline}-{local}-{tail}",
            f"{landline}{local}{tail}",
            f"+81 {mobile[1:]} {a} {b}",
            f"+81-{mobile[1:]}-{a}-{b}",
        ]
    )


_NAMES = ("yamada", "sato.hanako", "suzuki_t", "tanaka+news", "ito", "watanabe.k", "kobayashi", "nakamura01")
_DOMAINS = ("example.jp", "example.co.jp", "mail.example.com", "example.ne.jp", "corp.example.org",
            "xn--eckwd4c7c.xn--zckzah", "例え.jp", "xn--r8jz45g.jp", "ドメイン名例.jp", "example.xn--p1ai")  # fmt: skip


def email(rng: random.Random) -> str:
    return f"{rng.choice(_NAMES)}{rng.randint(1, 999)}@{rng.choice(_DOMAINS)}"


def postal(rng: random.Random) -> str:
    return f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"


def birth(rng: random.Random) -> str:
    year, month, day = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
    if rng.random() < 0.5:
        return f"{year}/{month}/{day}"
    era, start = ("昭和", 1926) if year < 1989 else ("平成", 1989)
    return f"{era}{year - start + 1}年{month}月{day}日"


def bank(rng: random.Random) -> str:
    return f"{rng.randint(0, 9999999):07d}"


def passport(rng: random.Random) -> str:
    return rng.choice(["TK", "TR", "MZ", "TZ"]) + f"{rng.randint(0, 9999999):07d}"


# --------------------------------------------------------------------------------------------------------------------
# Decoys and noise
# --------------------------------------------------------------------------------------------------------------------
def decoy(rng: random.Random) -> str:
    """Return a near miss: something a careless regex flags but a validating scanner must not."""
    choice = rng.randrange(10)
    if choice == 0:
        return f"card_attempt={card(rng, valid=False)}"
    if choice == 1:
        return f"ref={my_number(rng, valid=False)}"
    if choice == 2:
        return f"order_id={rng.randint(10**17, 10**20 - 1)}"
    if choice == 3:
        day = f"{rng.randint(2020, 2026)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        return f"trace={day}{rng.randint(0, 235959):06d}{rng.randint(0, 999):03d}"
    if choice == 4:
        return f"epoch_ms={rng.randint(1_600_000_000_000, 1_800_000_000_000)}"
    if choice == 5:
        return f"version=v{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}"
    if choice == 6:
        return f"client={rng.randint(1, 254)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if choice == 7:
        return f"invoice={rng.choice('16789')}{rng.randint(10**14, 10**15 - 1)}"
    if choice == 8:
        return identifier_decoy(rng)
    return f"session={rng.getrandbits(128):032x} size={rng.randint(100, 99999)}"


def identifier_decoy(rng: random.Random) -> str:
    """Return a valid card or My Number digit run inside an IBAN, an account number or a longer identifier."""
    inner = my_number(rng) if rng.random() < 0.5 else card(rng)
    choice = rng.randrange(4)
    if choice == 0:
        groups = " ".join(inner[i : i + 4] for i in range(0, len(inner), 4))
        return f"IBAN {rng.choice(['DE', 'GB', 'FR', 'NL'])}{rng.randint(10, 99)} {groups} {rng.randint(10, 99)}"
    if choice == 1:
        return f"振込先 口座番号 {'-'.join(inner[i : i + 4] for i in range(0, 12, 4))}"
    if choice == 2:
        return f"REF-{'-'.join(inner[i : i + 4] for i in range(0, 12, 4))}"
    return f"id=ABC_{inner[:12]}"


def two_cards(rng: random.Random) -> str:
    """Return two 16-digit cards written one after the other: hyphen then space grouping, or both spaced."""
    first, second = _card16(rng), _card16(rng)
    sep = "-" if rng.random() < 0.5 else " "
    return f"{sep.join(first[i : i + 4] for i in range(0, 16, 4))} {_spaced(second)}"


def card_after_group(rng: random.Random) -> str:
    """Return a space-grouped card after another four-digit group (an expiry or a member number)."""
    return f"{rng.randint(1000, 9999)} {_spaced(_card16(rng))}"


def _card16(rng: random.Random) -> str:
    while True:
        digits = card(rng)
        if len(digits) == 16:
            return digits


def _timestamp(rng: random.Random) -> str:
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}"
    return f"2026-11-{rng.randint(1, 28):02d}T{clock}+09:00"


def noise_line(rng: random.Random) -> str:
    """Return an ordinary log line with no identifier in it."""
    ts = _timestamp(rng)
    choice = rng.randrange(4)
    if choice == 0:
        request = f'"GET /api/v1/items/{rng.randint(1, 99999)} HTTP/1.1" 200 {rng.randint(100, 99999)}'
        return f"{ts} INFO 10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)} {request} {rng.randint(1, 999)}ms"
    if choice == 1:
        return f"{ts} DEBUG worker-{rng.randint(0, 7)} job={rng.randint(10**6, 10**8)} took {rng.random():.3f}s"
    if choice == 2:
        return f"{ts} INFO 注文を受け付けました 件数={rng.randint(1, 20)} 処理時間={rng.randint(1, 900)}ms"
    return f"{ts} WARN cache miss key=item:{rng.randint(1, 10**6)} ttl={rng.randint(1, 3600)}"


_LOG_PLANTS: tuple[tuple[str, str, Callable[[random.Random], str]], ...] = (
    (detectors.CREDIT_CARD, "payment card={}", lambda rng: card_written(rng, card(rng))),
    (detectors.CREDIT_CARD, "カード番号：{}", lambda rng: card(rng)),
    (detectors.MY_NUMBER, "mynumber={}", lambda rng: my_number(rng)),
    (detectors.MY_NUMBER, "個人番号 {}", lambda rng: _spaced(my_number(rng))),
    (detectors.PHONE, "tel={}", phone),
    (detectors.PHONE, "連絡先 {} まで", phone),
    (detectors.EMAIL, "user={} login ok", email),
    (detectors.EMAIL, '"mail": "{}"', email),
    (detectors.POSTAL_CODE, "住所 〒{} 東京都千代田区", postal),
    (detectors.BIRTH_DATE, "生年月日: {}", birth),
    (detectors.BANK_ACCOUNT, "振込先 普通 口座番号 {}", bank),
    (detectors.PASSPORT_NUMBER, "passport_no={}", passport),
    (detectors.CREDIT_CARD, "移行データ {}", card_after_group),
    (detectors.CREDIT_CARD, "カード番号：{} 有効期限 12/29", card_after_group),
)
# Lines with two identifiers of one type.
_DOUBLE_PLANTS: tuple[tuple[str, str, Callable[[random.Random], str]], ...] = (
    (detectors.CREDIT_CARD, "旧カード・新カード {}", two_cards),
    (detectors.CREDIT_CARD, "import row {} ok", two_cards),
)


def _log_lines(rng: random.Random, corpus: Corpus, path: str, count: int) -> list[str]:
    lines = []
    for number in range(1, count + 1):
        roll = rng.random()
        if roll < 0.03:
            kind, template, make = rng.choice(_DOUBLE_PLANTS)
            lines.append(f"{_timestamp(rng)} INFO {template.format(make(rng))}")
            corpus.plant(path, number, kind)
            corpus.plant(path, number, kind)
        elif roll < 0.25:
            kind, template, make = rng.choice(_LOG_PLANTS)
            lines.append(
                f"{_timestamp(rng)} INFO {template.format(make(rng))} {decoy(rng) if rng.random() < 0.3 else ''}"
            )
            corpus.plant(path, number, kind)
        elif roll < 0.6:
            lines.append(f"{_timestamp(rng)} INFO {decoy(rng)} {decoy(rng)}")
            corpus.decoy(path, number)
        else:
            lines.append(noise_line(rng))
    return lines


# --------------------------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------------------------
_CSV_HEADER = [
    "氏名",
    "カード番号",
    "電話番号",
    "メールアドレス",
    "郵便番号",
    "生年月日",
    "口座番号",
    "マイナンバー",
    "注文番号",
]
_CSV_TYPES = [None, detectors.CREDIT_CARD, detectors.PHONE, detectors.EMAIL, detectors.POSTAL_CODE,
              detectors.BIRTH_DATE, detectors.BANK_ACCOUNT, detectors.MY_NUMBER, None]  # fmt: skip


def _csv_rows(rng: random.Random, corpus: Corpus, path: str, count: int) -> list[list[str]]:
    makers: list[Callable[[random.Random], str]] = [
        lambda r: "山田 太郎", lambda r: card_written(r, card(r)), phone, email, postal, birth, bank, my_number,
        lambda r: str(r.randint(10**15, 10**16 - 1)),
    ]  # fmt: skip
    rows = []
    for number in range(2, count + 2):
        row = []
        for column, (make, kind) in enumerate(zip(makers, _CSV_TYPES, strict=True)):
            if kind is not None and rng.random() < 0.2:
                # A near miss in the column that raises confidence: it must still fail validation.
                row.append(
                    card(rng, valid=False) if column == 1 else my_number(rng, valid=False) if column == 7 else ""
                )
                corpus.decoy(path, number)
                continue
            row.append(make(rng))
            if kind is not None:
                corpus.plant(path, number, kind)
            elif column == 8:
                corpus.decoy(path, number)
        rows.append(row)
    return rows


def _write_csv(root: Path, rng: random.Random, corpus: Corpus, rows: int) -> None:
    path = "exports/customers_sjis.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_CSV_HEADER)
    writer.writerows(_csv_rows(rng, corpus, path, rows))
    (root / path).write_bytes(buffer.getvalue().encode("cp932"))


def _write_xlsx(root: Path, rng: random.Random, corpus: Corpus, rows: int) -> None:
    import openpyxl

    path = "exports/members.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(_CSV_HEADER)
    for row in _csv_rows(rng, corpus, path, rows):
        sheet.append(row)
    book.save(root / path)


def _write_mysql(root: Path, rng: random.Random, corpus: Corpus, rows: int) -> None:
    path = "db/mysqldump.sql"
    lines = [
        "-- MySQL dump 10.13",
        "DROP TABLE IF EXISTS `customers`;",
        "CREATE TABLE `customers` (",
        "  `id` int NOT NULL AUTO_INCREMENT,",
        "  `email` varchar(255) DEFAULT NULL,",
        "  `card_number` varchar(32) DEFAULT NULL,",
        "  `birth_date` date DEFAULT NULL,",
        "  `order_ref` bigint DEFAULT NULL,",
        "  PRIMARY KEY (`id`)",
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;",
    ]
    number = len(lines) + 1
    tuples = []
    for index in range(rows):
        year = rng.randint(1950, 2004)
        born = f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        tuples.append(f"({index + 1},'{email(rng)}','{card(rng)}','{born}',{rng.randint(10**17, 10**18)})")
        for kind in (detectors.EMAIL, detectors.CREDIT_CARD, detectors.BIRTH_DATE):
            corpus.plant(path, number, kind)
    lines.append("INSERT INTO `customers` VALUES " + ",".join(tuples) + ";")  # noqa: S608 (synthetic test data)
    (root / path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_pg(root: Path, rng: random.Random, corpus: Corpus, rows: int) -> None:
    path = "db/pg_dump.sql"
    lines = [
        "-- PostgreSQL database dump",
        "CREATE TABLE public.members (",
        "    id integer NOT NULL,",
        "    phone text,",
        "    my_number text,",
        "    zip text,",
        "    note text",
        ");",
        "COPY public.members (id, phone, my_number, zip, note) FROM stdin;",
    ]
    for index in range(rows):
        zip_code = f"{rng.randint(100, 999)}{rng.randint(0, 9999):04d}"
        lines.append(f"{index + 1}\t{phone(rng)}\t{my_number(rng)}\t{zip_code}\t{decoy(rng)}")
        for kind in (detectors.PHONE, detectors.MY_NUMBER, detectors.POSTAL_CODE):
            corpus.plant(path, len(lines), kind)
    lines.append("\\.")
    for index in range(rows):
        lines.append(
            f"INSERT INTO public.members (id, phone, my_number, zip, note) VALUES ({rows + index + 1}, "  # noqa: S608
            f"'{phone(rng)}', '{my_number(rng, valid=False)}', NULL, '{decoy(rng)}');"
        )
        corpus.plant(path, len(lines), detectors.PHONE)
        corpus.decoy(path, len(lines))
    (root / path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_jsonl(root: Path, rng: random.Random, corpus: Corpus, rows: int) -> None:
    path = "data/events.jsonl"
    lines = []
    for number in range(1, rows + 1):
        record: dict[str, object] = {
            "ts": _timestamp(rng),
            "event": "signup",
            "epoch_ms": rng.randint(10**12, 2 * 10**12),
        }
        if rng.random() < 0.5:
            record["email"] = email(rng)
            record["birth_date"] = f"{rng.randint(1950, 2004)}-0{rng.randint(1, 9)}-2{rng.randint(0, 8)}"
            corpus.plant(path, number, detectors.EMAIL)
            corpus.plant(path, number, detectors.BIRTH_DATE)
        else:
            record["order_id"] = str(rng.randint(10**17, 10**19))
            corpus.decoy(path, number)
        lines.append(json.dumps(record, ensure_ascii=False))
    (root / path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def corpus_build(*, root: Path, seed: int = 7, scale: int = 1) -> Corpus:
    """Write the corpus under ``root`` (which must exist) and return what was planted where."""
    rng = random.Random(seed)
    corpus = Corpus(root)
    for folder in ("logs/old", "exports", "db", "data", "bin"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    app_log = _log_lines(rng, corpus, "logs/app.log", 1500 * scale)
    (root / "logs/app.log").write_text("\n".join(app_log) + "\n", encoding="utf-8")
    old_log = _log_lines(rng, corpus, "logs/old/app.log.1.gz", 1500 * scale)
    with gzip.open(root / "logs/old/app.log.1.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(old_log) + "\n")
    _write_csv(root, rng, corpus, 400 * scale)
    _write_xlsx(root, rng, corpus, 200 * scale)
    _write_mysql(root, rng, corpus, 150 * scale)
    _write_pg(root, rng, corpus, 150 * scale)
    _write_jsonl(root, rng, corpus, 400 * scale)
    (root / "bin/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(2048)))
    outside = root.parent / f"{root.name}-outside.log"
    outside.write_text(f"card={card(rng)}\n", encoding="utf-8")
    link = root / "data/elsewhere.log"
    if not link.is_symlink():
        os.symlink(outside, link)
    return corpus


@dataclass(frozen=True)
class Score:
    """Hold one type's counts and the precision and recall they give."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        planted = self.true_positives + self.false_negatives
        return self.true_positives / planted if planted else 1.0


def corpus_score(*, corpus: Corpus, found: Counter[Key]) -> dict[str, Score]:
    """Return precision and recall per type, matching findings to plants by path, line (or row) and type."""
    scores = {}
    for kind in TYPES:
        planted = Counter({key: n for key, n in corpus.planted.items() if key[2] == kind})
        hits = Counter({key: n for key, n in found.items() if key[2] == kind})
        true_positives = sum((planted & hits).values())
        scores[kind] = Score(
            true_positives, sum(hits.values()) - true_positives, sum(planted.values()) - true_positives
        )
    return scores


def main() -> None:
    """Build a corpus in a temporary directory, scan it, and print the per-type table as Markdown."""
    import tempfile

    from breachdesk.scanner import engine

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7, help="another seed gives a held-out corpus")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "corpus"
        root.mkdir()
        corpus = corpus_build(root=root, scale=options.scale, seed=options.seed)
        found: Counter[Key] = Counter()

        def collect(finding: engine.Finding) -> None:
            found[(os.path.relpath(finding.path, root), finding.line, finding.type)] += 1

        engine.scan_paths([str(root)], jobs=options.jobs, on_finding=collect)
        scores = corpus_score(corpus=corpus, found=found)
    print("| type | planted | found | precision | recall |")  # noqa: T201
    print("|---|---:|---:|---:|---:|")  # noqa: T201
    for kind, score in scores.items():
        planted = score.true_positives + score.false_negatives
        found_n = score.true_positives + score.false_positives
        print(f"| {kind} | {planted} | {found_n} | {score.precision:.4f} | {score.recall:.4f} |")  # noqa: T201


if __name__ == "__main__":
    main()
