"""Turn an inquiry's normalised text into hashed features: words, character n-grams and the rules that fired.

Words are lemmas from MeCab (fugashi with unidic-lite from PyPI, loaded once per process), so 入ります, 入って and
入る are one feature. Character 2–4-grams catch what the tokeniser splits oddly (typos, half-width kana, English).
E-mail addresses, URLs and digits are masked before features are taken, and every feature is kept only as a 32-bit
hash (CRC-32 of ``kind:value``): a model holds numbers, not text.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from breachdesk.inquiries.classify import rules

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_DIGITS = re.compile(r"\d+")
_SKIP_POS = {"補助記号", "空白"}
# The character n-gram lengths of newly trained models. A model keeps the lengths it was trained with (``Model.
# char_ngrams``, from its artefact) and is always fed the same; artefacts written before the lengths were recorded per
# model used ``LEGACY_CHAR_NGRAMS``.
CHAR_NGRAMS = (1, 2, 3, 4)
LEGACY_CHAR_NGRAMS = (2, 3, 4)


@lru_cache(maxsize=1)
def tagger() -> Any:
    """Return the process's MeCab tagger (unidic-lite dictionary); about 0.1 s on first use."""
    import fugashi

    return fugashi.Tagger()


def mask(normalised: str) -> str:
    """Replace addresses, links and numbers by placeholders: they identify people, not topics."""
    return _DIGITS.sub("0", _EMAIL.sub(" @mail ", _URL.sub(" @url ", normalised)))


def words(masked: str) -> list[str]:
    """Return the lemmas of ``masked`` text (the surface form where the dictionary has none), symbols left out."""
    out = []
    for node in tagger()(masked):
        feature = node.feature
        if feature.pos1 in _SKIP_POS:
            continue
        lemma = feature.lemma
        # unidic writes loan words as "カード-card"; the part before the hyphen is the Japanese form.
        out.append((lemma.split("-")[0] if lemma else node.surface).lower())
    return out


def named(normalised: str, hits: list[rules.Hit], *, char_ngrams: Sequence[int] = CHAR_NGRAMS) -> dict[str, float]:
    """Return the readable features of a text and their values (text block L2-normalised; a rule that fired is 1)."""
    masked = mask(normalised)
    counts: Counter[str] = Counter()
    lemmas = words(masked)
    counts.update(f"w:{w}" for w in lemmas)
    counts.update(f"b:{a} {b}" for a, b in itertools.pairwise(lemmas))
    compact = re.sub(r"\s+", " ", masked)
    for n in char_ngrams:
        counts.update(f"c:{compact[i : i + n]}" for i in range(len(compact) - n + 1))
    values = {key: 1.0 + math.log(count) for key, count in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
    out = {key: value / norm for key, value in values.items()}
    for hit in hits:
        out[f"r:{hit.rule}"] = 1.0
    return out


def key(feature: str) -> int:
    """Return the 32-bit hash a model stores for ``feature``."""
    return zlib.crc32(feature.encode("utf-8"))


def hashed(named_features: dict[str, float]) -> dict[int, float]:
    """Return the features by hash (a collision adds the values)."""
    out: dict[int, float] = {}
    for feature, value in named_features.items():
        k = key(feature)
        out[k] = out.get(k, 0.0) + value
    return out


def describe(feature: str) -> tuple[str, str]:
    """Return the kind (word, word pair, characters, rule) and value of a named feature."""
    kind, _, value = feature.partition(":")
    return {"w": "word", "b": "words", "c": "characters", "r": "rule"}.get(kind, kind), value
