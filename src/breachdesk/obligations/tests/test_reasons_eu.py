"""The GDPR reasons are written in the reader's language, citing the article; the pack's ``why`` stays English."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from django.utils import translation

from breachdesk.obligations.engine import Evaluation, evaluate, parse_facts
from breachdesk.obligations.reasons_eu import eu_finding_text
from breachdesk.obligations.tests.helpers import facts
from breachdesk.testing.fixtures import World, client_for

# One case per sentence of the EU pack: every finding kind and each of its variants.
CASES: list[dict[str, Any]] = [
    {"cause": "misdelivery_email", "items": ["name", "email", "medical_history"], "persons": 1},
    {"cause": "theft", "items": ["name", "email", "medical_history"], "persons": 5000, "encryption": "advanced"},
    {"cause": "misdelivery_post", "items": ["name", "address", "order_history"], "persons": 1},
    {"cause": "phishing_by_user", "items": ["name", "login_id", "password"]},
    {"recovered_unviewed": True, "items": ["name", "email"]},
    {"role": "entrusted", "items": ["name", "email", "card_number"], "persons": 3000},
    {"items": ["name", "email", "card_number", "card_security_code"], "persons": 3000, "without_contact": 120},
    {"event": "loss", "cause": "ransomware", "items": ["name", "address", "phone"], "persons": 800},
]


def evaluation(**case: Any) -> Evaluation:
    without_contact = case.pop("without_contact", 0)  # a fact of the incident, not of the JSON contract
    return evaluate(dataclasses.replace(parse_facts(facts(**case)), without_contact=without_contact))


def _texts(case: dict[str, Any], language: str) -> list[str]:
    result = evaluation(**dict(case))
    verdict = result.eu
    assert verdict is not None
    with translation.override(language):
        return [eu_finding_text(f, facts=result.facts, verdict=verdict) for f in verdict.findings]


@pytest.mark.parametrize("case", CASES)
def test_every_gdpr_reason_reads_in_japanese_citing_its_article(case: dict[str, Any]) -> None:
    result = evaluation(**dict(case))
    assert result.eu is not None
    for text, finding in zip(_texts(case, "ja"), result.eu.findings, strict=True):
        assert text != finding.why
        assert "Art." not in text
        # Only names and symbols stay Latin: GDPR, ENISA, SE, DPC, EI, CB and the letter of a point such as (c).
        assert set(re.findall(r"[A-Za-z]{2,}", text)) <= {"GDPR", "ENISA", "SE", "DPC", "EI", "CB"}, text
        assert "第" in text or text.startswith("ENISA")


@pytest.mark.parametrize("case", CASES)
def test_the_english_reasons_say_what_the_pack_says(case: dict[str, Any]) -> None:
    result = evaluation(**dict(case))
    assert result.eu is not None
    for text, finding in zip(_texts(case, "en"), result.eu.findings, strict=True):
        if finding.rule == "authority":  # the page gives the deadline in local time, the pack as a date
            assert text.startswith("GDPR Art. 33(1): a risk to people: notify the supervisory authority by ")
        else:
            expected = finding.why.replace(" (委託先)", "")
            expected = re.sub(r"^(?:(An entrusted party acts as a processor here\. )?)(Art\.)", r"\1GDPR \2", expected)
            assert text in (expected, expected.replace("(very_high)", "(very high)")), (text, finding.why)


@pytest.mark.django_db
def test_the_obligations_page_shows_the_gdpr_reasons_in_japanese(world: World) -> None:
    world.incident.jurisdictions = ["JP", "EU"]
    world.incident.save(update_fields=["jurisdictions"])
    page = client_for(world.reviewer_client).get("/incidents/case-1/obligations/").content.decode()
    assert 'id="verdict-eu"' in page
    assert "ENISAの深刻度" in page
    assert "ENISA severity:" not in page
