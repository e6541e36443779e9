"""Decide APPI obligations as in force from 2024-04-01: Rule 7(3) also covers information being acquired.

The amendment (令和5年12月改正施行規則) extends category 3 to personal information the business was acquiring, or
about to acquire, and meant to handle as personal data, such as card data skimmed from its web form. Categories 1, 2
and 4 still cover only the business's 個人データ, so skimming counts under category 3 alone.
"""

from __future__ import annotations

from datetime import date

from breachdesk.obligations.rules.base import Facts, Finding
from breachdesk.obligations.rules.jp_appi_2022 import JpAppi2022


class JpAppi2024(JpAppi2022):
    name = "jp_appi_2024"
    in_force = date(2024, 4, 1)

    def malicious(self, facts: Facts) -> Finding:
        if facts.cause == "web_skimming":
            return Finding(
                "category.malicious",
                True,
                ("cause", "aware_at"),
                "施行規則第7条第3号 (2024-04-01 改正): web skimming takes personal information the business was "
                "acquiring, for an unfair purpose; it is reportable under category 3 only.",
            )
        return super().malicious(facts)


PACK = JpAppi2024()
