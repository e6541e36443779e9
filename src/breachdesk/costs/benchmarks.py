"""Name the reference figures from the domain facts (rules-and-figures.md), each with its source."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Benchmark:
    key: str
    label: object  # lazy English
    label_ja: str
    per_person_yen: int
    source: object  # lazy: the source, named in the reader's language


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        "voucher_500",
        _("¥500 apology voucher (Benesse 2014, Yahoo! BB 2004, Lawson)"),
        "500円のお詫び金券（ベネッセ2014年・Yahoo! BB 2004年・ローソン）",
        500,
        _("Benesse: ¥500 voucher to everyone; Yahoo! BB: ¥500 to about 5.9 million members; Lawson: 560,000 people"),
    ),
    Benchmark(
        "benesse_award",
        _("Court award per plaintiff, Benesse"),
        "ベネッセ事件 原告1人あたり認容額",
        3_300,
        _("Tokyo High Court, 2020-03-25, 622 plaintiffs"),
    ),
    Benchmark(
        "yahoo_bb_award",
        _("Court award per plaintiff, Yahoo! BB (on appeal)"),
        "Yahoo! BB事件 原告1人あたり認容額（控訴審）",
        5_500,
        _("Yahoo! BB (2004): ¥6,000 at first instance, ¥5,500 on appeal"),
    ),
    Benchmark(
        "tbc_no_harm",
        _("Court award, TBC, without secondary harm"),
        "TBC事件 認容額（二次被害なし）",
        22_000,
        _("TBC (beauty salon) case"),
    ),
    Benchmark(
        "jnsa_2018",
        _("JNSA survey 2018: estimated damages per person"),
        "JNSA調査2018年 1人あたり想定損害賠償額",
        29_768,
        _("JNSA 2018: 443 incidents, 5,613,797 people, about ¥268.5 billion"),
    ),
    Benchmark(
        "tbc_harm",
        _("Court award, TBC, with secondary harm"),
        "TBC事件 認容額（二次被害あり）",
        35_000,
        _("TBC (beauty salon) case: spam or calls followed"),
    ),
    Benchmark(
        "jnsa_2009",
        _("JNSA survey 2009: estimated damages per person"),
        "JNSA調査2009年 1人あたり想定損害賠償額",
        49_961,
        _("JNSA 2009 survey"),
    ),
)

# Only about 0.02% of victims sue (JNSA); shown next to the court awards so nobody multiplies them by everyone.
SUING_SHARE_PERCENT = "0.02"
