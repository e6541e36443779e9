# ruff: noqa: T201, S311 - a command-line script that prints its counts; random only shuffles corpus text
"""Build the classifier's training corpus from hand-written inquiries and labelled fragments.

Run ``python3 scripts/classifier_corpus.py`` from the repository root. The output,
``src/breachdesk/inquiries/data/training/train-NNN.jsonl``, is reproducible: the seed is fixed and the sources are
read in a fixed order. ``--check`` only validates the written files and prints the counts.

Sources live in ``scripts/classifier_corpus/`` (see its README.md). A composed inquiry's labels are the union of
the labels of the fragments that carry a meaning; greetings, context, feelings, closings, signatures, form fields
and quoted history carry none.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "classifier_corpus"
OUT = ROOT / "src" / "breachdesk" / "inquiries" / "data" / "training"
LABEL_KEYS = (
    "affected_check",
    "leaked_items",
    "deletion",
    "compensation",
    "secondary_damage",
    "cause_prevention",
    "regulator",
    "protective_advice",
    "complaint",
    "press",
    "other",
)
TOPICS = tuple(key for key in LABEL_KEYS if key not in ("other", "press"))
SEED = 20260303
COMPOSED = 1500
PER_FILE = 250

SCENARIOS = {
    "ticket": {"svc": ["オールチケットオンライン", "OCO", "チケットサイト"], "co": ["DNプランニング", "OCO運営事務局"]},
    "missend": {"svc": ["あんしん転送サービス", "050転送サービス"], "co": ["ミナト通信", "ミナト通信株式会社"]},
    "cardlog": {"svc": ["リーグチケット", "ファンクラブサイト"], "co": ["リーグ事務局", "リーグチケット運営事務局"]},
    "laptop": {"svc": ["東和商事さん", "御社の営業窓口"], "co": ["東和商事株式会社", "東和商事"]},
    "skim": {"svc": ["ミヤビオンラインショップ", "ミヤビの通販サイト"], "co": ["株式会社ミヤビ", "ミヤビ"]},
}
SCENARIOS_EN = {
    "ticket": {"svc": ["OCO", "All Ticket Online"], "co": ["DN Planning", "OCO"]},
    "missend": {"svc": ["your forwarding service"], "co": ["Minato Tsushin"]},
    "cardlog": {"svc": ["the league ticket site"], "co": ["League Ticket"]},
    "laptop": {"svc": ["Towa Shoji"], "co": ["Towa Shoji"]},
    "skim": {"svc": ["the Miyabi online shop"], "co": ["Miyabi"]},
}

# Style of a composed inquiry and its weight.
STYLES = {
    "keigo": 18,
    "angry": 10,
    "short": 12,
    "long": 8,
    "quoted_reply": 10,
    "webform": 9,
    "phone_note": 8,
    "press": 9,
    "english": 7,
    "mixed": 6,
    "typo_halfwidth": 7,
}


CARDLESS = ("missend", "laptop")
CARD_TALK = re.compile(
    r"カード|ｶｰﾄﾞ|card|明細|決済|セキュリティコード|有効期限|再発行|引き落とし|statement|CVV", re.IGNORECASE
)


class Fragment:
    __slots__ = ("labels", "scenarios", "text")

    def __init__(self, labels: frozenset[str], scenarios: frozenset[str], text: str) -> None:
        self.labels = labels
        self.scenarios = scenarios
        self.text = text

    def fits(self, scenario: str) -> bool:
        if self.scenarios:
            return scenario in self.scenarios
        # No card was involved in the mis-sent file or the lost laptop: card talk would not come up there.
        return not (scenario in CARDLESS and CARD_TALK.search(self.text))


def read_fragments(path: Path) -> dict[str, list[Fragment]]:
    """Read ``[section]`` blocks of ``labels | [scenarios |] text`` lines; fail loudly on a bad line."""
    sections: dict[str, list[Fragment]] = {}
    current: list[Fragment] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        if current is None:
            sys.exit(f"{path}:{number}: a fragment before any [section]")
        parts = [part.strip() for part in line.split(" | ")]
        if len(parts) == 2 and line.endswith(" |"):
            parts = [parts[0], ""]
        if len(parts) == 1 and line.endswith("|"):
            parts = [line[:-1].strip(), ""]
        if len(parts) not in (2, 3):
            sys.exit(f"{path}:{number}: expected 'labels | text' or 'labels | scenarios | text'")
        labels = frozenset() if parts[0] == "-" else frozenset(parts[0].split(","))
        bad = labels - set(LABEL_KEYS)
        if bad:
            sys.exit(f"{path}:{number}: unknown labels {sorted(bad)}")
        scenarios = frozenset(parts[1].split(",")) if len(parts) == 3 else frozenset()
        if scenarios - set(SCENARIOS):
            sys.exit(f"{path}:{number}: unknown scenarios {sorted(scenarios - set(SCENARIOS))}")
        current.append(Fragment(labels, scenarios, parts[-1].replace("\\n", "\n")))
    return sections


HEADER = re.compile(r"^=== (?P<labels>[a-z_,]+) \| (?P<source>[a-z_]+) \|(?P<subject>.*)$")


def read_hand(path: Path) -> list[dict[str, object]]:
    """Read hand-written inquiries: a ``=== labels | source | subject`` header, then the body up to the next one."""
    rows: list[dict[str, object]] = []
    current: dict[str, object] | None = None
    body: list[str] = []

    def flush() -> None:
        if current is not None:
            text = "\n".join(body).strip("\n")
            if not text.strip():
                sys.exit(f"{path}: empty body after header {current}")
            current["body"] = text
            rows.append(current)

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("=== "):
            flush()
            found = HEADER.match(line)
            if not found:
                sys.exit(f"{path}:{number}: bad header {line!r}")
            labels = sorted(set(found["labels"].split(",")))
            bad = set(labels) - set(LABEL_KEYS)
            if bad or ("other" in labels and len(labels) > 1):
                sys.exit(f"{path}:{number}: bad labels {labels}")
            current = {"subject": found["subject"].strip(), "labels": labels, "source": found["source"]}
            body = []
        elif line.startswith("# "):
            continue  # a comment between inquiries, never part of a body
        elif current is not None:
            body.append(line)
        elif line.strip() and not line.startswith("#"):
            sys.exit(f"{path}:{number}: text before the first header")
    flush()
    return rows


# --- noise for typo_halfwidth -------------------------------------------------------------------------------------


def _half_width_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code in range(0xFF66, 0xFFA0):
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
        for mark in ("\uff9e", "\uff9f"):
            full = unicodedata.normalize("NFKC", half + mark)
            if len(full) == 1:
                table.setdefault(full, half + mark)
    return table


HALF = _half_width_table()


def to_half_width_katakana(text: str) -> str:
    """Write katakana (and, with ``hiragana=True`` callers, converted hiragana) in half-width form."""
    return "".join(HALF.get(char, char) for char in text)


def hiragana_to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
TYPOS = [
    ("ください", "くだい"),
    ("ください", "下さいい"),
    ("でしょうか", "でしょか"),
    ("ありません", "ありまあせん"),
    ("いただけ", "いただけけ"),
    ("ています", "てます"),
    ("ので", "んで"),
    ("。", "、、"),
    ("ですか", "ですかか"),
    ("教えて", "をしえて"),
    ("問い合わせ", "問合わせ"),
    ("確認", "確任"),
    ("以上", "異常"),
    ("思います", "重います"),
]


def add_noise(text: str, rng: random.Random) -> str:
    """Return the text with half-width katakana words, full-width digits and one or two typing slips."""
    lines = text.split("\n")
    mode = rng.random()
    out = []
    for line in lines:
        if mode < 0.25 and line and not line.startswith((">", "-")):
            # Some old phones and business systems: the whole line in half-width kana.
            line = to_half_width_katakana(hiragana_to_katakana(line))
        else:
            line = re.sub(r"[\u30a1-\u30fc]+", lambda m: to_half_width_katakana(m.group(0)), line)
        out.append(line)
    text = "\n".join(out)
    if rng.random() < 0.4:
        text = text.translate(FULL_DIGITS)
    slips = [typo for typo in TYPOS if typo[0] in text]
    for old, new in rng.sample(slips, k=min(len(slips), rng.randint(1, 2))):
        text = text.replace(old, new, 1)
    return text


# --- composition ----------------------------------------------------------------------------------------------------

NAMES = [
    "山田 花子",
    "佐藤 健",
    "鈴木 美穂",
    "高橋 誠",
    "田中 由紀",
    "伊藤 大輔",
    "渡辺 恵",
    "中村 翔",
    "小林 直子",
    "加藤 亮",
]
CALLERS = [
    "60代男性（会員本人）",
    "40代女性",
    "30代男性",
    "会員のご家族（娘様）",
    "70代女性",
    "法人顧客のご担当者",
    "20代女性",
]
QUOTED_SUBJECTS = ["【お詫び】お客様情報について", "お問い合わせありがとうございます", "Notice"]
FORM_KINDS = [
    "その他",
    "個人情報の取り扱いについて",
    "会員情報について",
    "本件に関するお問い合わせ",
    "選択してください",
]


class Composer:
    def __init__(self, sections: dict[str, list[Fragment]], rng: random.Random) -> None:
        self.s = sections
        self.rng = rng

    def neutral(self, section: str, scenario: str) -> str:
        pool = [f for f in self.s[section] if f.fits(scenario)]
        return self.rng.choice(pool).text

    def fill(self, text: str, scenario: str, english: bool = False) -> str:
        names = (SCENARIOS_EN if english else SCENARIOS)[scenario]
        return text.replace("{svc}", self.rng.choice(names["svc"])).replace("{co}", self.rng.choice(names["co"]))

    def meaning(self, sections: list[str], scenario: str, count: int) -> list[Fragment]:
        """Pick ``count`` fragments with different labels, choosing the label first so that labels stay balanced."""
        pool = [f for section in sections for f in self.s[section] if f.fits(scenario) and f.labels]
        if count == 0:
            others = [f for f in pool if f.labels == {"other"}]
            return [self.rng.choice(others)]
        chosen: list[Fragment] = []
        used: set[str] = set()
        for _ in range(50):
            if len(chosen) == count:
                break
            label = self.rng.choice(TOPICS)
            if label in used:
                continue
            options = [f for f in pool if label in f.labels and not (f.labels & used) and "other" not in f.labels]
            if len(options) == 0:
                continue
            single = [f for f in options if len(f.labels) == 1]
            if single and (count == 1 or len(chosen) < count - 1) and self.rng.random() < 0.85:
                options = single
            pick = self.rng.choice(options)
            chosen.append(pick)
            used |= pick.labels
        return chosen

    def topic_count(self, style: str) -> int:
        """0 means an ``other`` inquiry."""
        roll = self.rng.random()
        if roll < 0.08:
            return 0
        if style == "short":
            return 1 if roll < 0.9 else 2
        if style == "long":
            return 2 if roll < 0.5 else 3
        return 1 if roll < 0.73 else (2 if roll < 0.95 else 3)

    def compose(self, style: str) -> tuple[str, str, set[str]]:
        rng = self.rng
        scenario = rng.choice(list(SCENARIOS))
        count = self.topic_count(style)
        english = style == "english"
        if style == "press":
            return self.press(scenario)
        if style == "phone_note":
            return self.phone_note(scenario, count)
        if english:
            registers = ["en"]
        elif style == "angry":
            registers = ["blunt", "blunt", "ja"]
        elif style == "mixed":
            registers = ["ja", "en"]
        elif style == "short":
            registers = ["ja", "blunt"]
        else:
            registers = ["ja"]
        picks = self.meaning(registers, scenario, count)
        if style == "mixed" and len(picks) > 1 and not any(p in self.s["en"] for p in picks):
            picks = self.meaning(["en"], scenario, 1) + picks[1:]
            if len(set().union(*(f.labels for f in picks))) < sum(len(f.labels) for f in picks):
                picks = picks[:1]
        labels = set().union(*(f.labels for f in picks))
        sentences = [f.text for f in picks]
        rng.shuffle(sentences)
        if style == "short":
            body = "\n".join(sentences) if rng.random() < 0.5 else "".join(sentences)
            subject = self.neutral("subject_ja", scenario) if rng.random() < 0.5 else ""
            return self.fill(subject, scenario), self.fill(body, scenario), labels
        if english:
            parts = [self.neutral("open_en", scenario)]
            if rng.random() < 0.6:
                parts.append(self.neutral("context_en", scenario))
            parts += sentences
            if rng.random() < 0.3:
                parts.append(self.neutral("filler_en", scenario))
            parts.append(self.neutral("close_en", scenario))
            if rng.random() < 0.5:
                parts.append(self.neutral("sign", scenario))
            subject = self.neutral("subject_en", scenario)
            return self.fill(subject, scenario, True), self.fill("\n".join(parts), scenario, True), labels
        opening = {"angry": "open_angry", "keigo": "open_keigo", "long": "open_keigo"}.get(style)
        opening = opening or rng.choice(["open_keigo", "open_plain"])
        closing = {"angry": "close_angry", "keigo": "close_keigo", "long": "close_keigo"}.get(style)
        closing = closing or rng.choice(["close_keigo", "close_plain"])
        if style == "mixed" and not any(p in self.s["en"] for p in picks):
            if rng.random() < 0.5:
                opening = "open_en"
            else:
                closing = "close_en"
        plain = labels == {"other"}
        if style == "long" and not plain:
            return self.long_mail(scenario, sentences, labels)
        parts = [self.neutral(opening, scenario)]
        if rng.random() < (0.25 if plain else 0.55):
            parts.append(self.neutral("context", scenario))
        parts += sentences
        if style != "angry" and not plain and rng.random() < 0.3:
            parts.append(self.neutral("filler", scenario))
        parts.append(self.neutral(closing, scenario))
        if rng.random() < 0.55:
            parts.append(self.neutral("sign", scenario))
        body = "\n".join(p for p in parts if p)
        subject = self.neutral("subject_ja", scenario)
        topical = [f for f in self.s["subject_topic"] if f.labels <= labels and (f.labels != {"other"} or plain)]
        if style not in ("quoted_reply", "webform") and topical and rng.random() < 0.15:
            subject = rng.choice(topical).text  # a subject the sender wrote: it means what the body means
        if style == "quoted_reply":
            subject, body = self.quote(subject, body, scenario)
        elif style == "webform":
            subject, body = self.webform(body, scenario)
        elif style == "typo_halfwidth":
            body = add_noise(body, rng)
        return self.fill(subject, scenario), self.fill(body, scenario), labels

    def long_mail(self, scenario: str, sentences: list[str], labels: set[str]) -> tuple[str, str, set[str]]:
        """Write a long mail in paragraphs: greeting, background, one paragraph per question, closing."""
        rng = self.rng
        contexts = [f.text for f in self.s["context"] if f.fits(scenario)]
        fillers = [f.text for f in self.s["filler"]]
        background = rng.sample(contexts, k=min(2, len(contexts))) + rng.sample(fillers, k=rng.randint(1, 2))
        paragraphs = [self.neutral("open_keigo", scenario), "".join(background)]
        numbered = rng.random() < 0.3
        for n, sentence in enumerate(sentences, start=1):
            extra = rng.choice(fillers) if rng.random() < 0.35 else ""
            lead = f"{n}. " if numbered else rng.choice(["", "", "また、", "それから、", "次に、"]) if n > 1 else ""
            paragraphs.append(lead + sentence + extra)
        paragraphs.append(self.neutral("close_keigo", scenario))
        if rng.random() < 0.7:
            paragraphs.append(self.neutral("sign", scenario))
        subject = self.neutral("subject_ja", scenario)
        return self.fill(subject, scenario), self.fill("\n\n".join(paragraphs), scenario), labels

    def quote(self, subject: str, body: str, scenario: str) -> tuple[str, str]:
        rng = self.rng
        quoted = self.neutral(rng.choice(["quoted", "quoted", "quoted_en"]), scenario)
        if rng.random() < 0.5:
            history = "\n".join("> " + line for line in quoted.split("\n"))
            head = rng.choice(["2026/03/03 10:00 {co} <support@example.jp>:", "{co} さんは書きました:", ""])
            if not head and rng.random() < 0.4:
                body = f"{history}\n\n{body}"  # the reply written under the quote
            else:
                body = f"{body}\n\n{head}\n{history}" if head else f"{body}\n\n{history}"
        else:
            body = (
                f"{body}\n\n-----Original Message-----\nFrom: {{co}} <support@example.jp>\n"
                f"Subject: {rng.choice(QUOTED_SUBJECTS)}\n\n{quoted}"
            )
        if not subject.lower().startswith("re:"):
            subject = "Re: " + (subject or "お問い合わせありがとうございます")
        return subject, body

    def webform(self, body: str, scenario: str) -> tuple[str, str]:
        rng = self.rng
        name = rng.choice(NAMES)
        kind = rng.choice(FORM_KINDS)
        member = f"OCO{rng.randint(10**6, 10**7 - 1)}"
        layout = rng.randrange(3)
        if layout == 0:
            text = (
                f"【お問い合わせフォームより】\nお名前：{name}\n"
                f"メールアドレス：user{rng.randint(100, 999)}@example.jp\n会員番号：{member}\n"
                f"お問い合わせ種別：{kind}\nお問い合わせ内容：\n{body}"
            )
        elif layout == 1:
            text = (
                f"name: {name}\nemail: user{rng.randint(100, 999)}@example.com\nphone: 090-{rng.randint(1000, 9999)}-"
                f"{rng.randint(1000, 9999)}\ncategory: {kind}\nmessage:\n{body}\n---\nsent from contact form"
            )
        else:
            phone = f"03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
            text = f"■氏名\n{name}\n■ご連絡先\n{phone}\n■ご用件\n{kind}\n■本文\n{body}"
        return rng.choice(["【お問い合わせフォーム】", "Webフォームからのお問い合わせ", "[contact] 新規送信"]), text

    def phone_note(self, scenario: str, count: int) -> tuple[str, str, set[str]]:
        rng = self.rng
        picks = self.meaning(["note"], scenario, count)
        labels = set().union(*(f.labels for f in picks))
        lines = "\n".join("・" + f.text for f in picks)
        head = rng.choice(["【電話受付メモ】", "電話メモ", "受電記録", "【入電】"])
        staff = rng.choice(["佐藤", "木村", "窓口A", "井上", "斎藤"])
        when = f"{rng.randint(3, 4)}/{rng.randint(1, 28)} {rng.randint(9, 17)}:{rng.choice(['00', '15', '30', '45'])}"
        follow = rng.choice(
            [
                "折り返し希望。",
                "その場で回答済み。",
                "上長に確認の上、折り返す。",
                "メールで回答予定。",
                "会員番号で照合済み、対象外と回答。",
                "照合の上、対象と回答。",
                "",
            ]
        )
        body = f"{head}\n日時：{when}\n受付：{staff}\n相手：{rng.choice(CALLERS)}\n内容：\n{lines}\n{follow}".strip()
        return "電話受付", self.fill(body, scenario), labels

    def press(self, scenario: str) -> tuple[str, str, set[str]]:
        rng = self.rng
        english = rng.random() < 0.25
        intro = self.neutral("press_intro_en" if english else "press_intro_ja", scenario)
        labels = {"press"}
        questions = rng.sample(self.s["press_q"], k=rng.choice([0, 1, 1, 2]))
        parts = [
            rng.choice(["Dear press office,", "Hello,"]) if english else self.neutral("open_keigo", scenario),
            intro,
        ]
        for question in questions:
            parts.append(question.text)
            labels |= question.labels
        parts.append("Thank you." if english else self.neutral("close_keigo", scenario))
        if rng.random() < 0.6:
            parts.append(
                rng.choice(["報道部 田村", "編集部 小野寺", "K. Sato, staff writer", "記者 本田（携帯 080-0000-1111）"])
            )
        subject = rng.choice(["取材のお願い", "【取材依頼】", "Press inquiry", "コメントのお願い", "事実確認のお願い"])
        return subject, self.fill("\n".join(parts), scenario, english), labels


def build() -> list[dict[str, object]]:
    sections = read_fragments(SOURCES / "fragments.txt")
    rows: list[dict[str, object]] = []
    for batch, path in enumerate(sorted(SOURCES.glob("hand-*.txt")), start=1):
        for row in read_hand(path):
            row["file"] = f"train-{batch:03d}.jsonl"  # one file per hand-written batch
            rows.append(row)
    first_composed = len({row["file"] for row in rows}) + 1
    seen = {str(row["body"]).strip() for row in rows}
    rng = random.Random(SEED)
    composer = Composer(sections, rng)
    styles = list(STYLES)
    weights = [STYLES[s] for s in styles]
    composed = 0
    attempts = 0
    while composed < COMPOSED:
        attempts += 1
        if attempts > COMPOSED * 20:
            sys.exit("too many duplicate compositions: add fragments")
        style = rng.choices(styles, weights)[0]
        subject, body, labels = composer.compose(style)
        if body.strip() in seen:
            continue
        seen.add(body.strip())
        file = f"train-{first_composed + composed // PER_FILE:03d}.jsonl"
        rows.append(
            {"subject": subject, "body": body, "labels": sorted(labels) or ["other"], "source": style, "file": file}
        )
        composed += 1
    for number, row in enumerate(rows, start=1):
        row["id"] = f"tr-{number:05d}"
    return rows


def write(rows: list[dict[str, object]]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("train-*.jsonl"):
        old.unlink()
    files: dict[str, list[str]] = {}
    for row in rows:
        record = {k: row[k] for k in ("id", "subject", "body", "labels", "source")}
        files.setdefault(str(row["file"]), []).append(json.dumps(record, ensure_ascii=False) + "\n")
    for name, lines in files.items():
        (OUT / name).write_text("".join(lines), encoding="utf-8")


def check() -> int:
    """Validate the written files and print counts; return a non-zero status on any problem."""
    problems = 0
    rows = []
    for path in sorted(OUT.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"{path.name}:{number}: invalid JSON: {error}")
                problems += 1
                continue
            labels = row.get("labels")
            if set(row) - {"id", "subject", "body", "labels", "source"} or not {
                "id",
                "subject",
                "body",
                "labels",
            } <= set(row):
                print(f"{path.name}:{number}: wrong keys {sorted(row)}")
                problems += 1
            if not labels or set(labels) - set(LABEL_KEYS) or ("other" in labels and len(labels) > 1):
                print(f"{path.name}:{number}: bad labels {labels}")
                problems += 1
            rows.append(row)
    ids = Counter(row["id"] for row in rows)
    bodies = Counter(row["body"].strip() for row in rows)
    for key, n in ids.items():
        if n > 1:
            print(f"duplicate id {key}")
            problems += 1
    for key, n in bodies.items():
        if n > 1:
            print(f"duplicate body ({n}x): {key[:60]!r}")
            problems += 1
    per_label = Counter(label for row in rows for label in row["labels"])
    styles = Counter(row.get("source", "-") for row in rows)
    multi = sum(1 for row in rows if len(row["labels"]) > 1)
    hand = hand_count()
    print(f"total {len(rows)}; hand-written {hand}; composed {len(rows) - hand}")
    print(
        f"multi-label {multi} ({multi / max(len(rows), 1):.1%}); other {per_label['other']} "
        f"({per_label['other'] / max(len(rows), 1):.1%})"
    )
    for key in LABEL_KEYS:
        print(f"  {key:18} {per_label[key]}")
    print("styles: " + ", ".join(f"{k} {v}" for k, v in styles.most_common()))
    for key in LABEL_KEYS:
        if per_label[key] < 120:
            print(f"label {key} has fewer than 120 positives")
            problems += 1
    return 1 if problems else 0


def hand_count() -> int:
    return sum(len(read_hand(path)) for path in sorted(SOURCES.glob("hand-*.txt")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only validate the written files and print counts")
    args = parser.parse_args()
    if not args.check:
        write(build())
    sys.exit(check())


if __name__ == "__main__":
    main()
