"""The GDPR examples of docs rules-and-figures.md (EDPB) and the ENISA severity score."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.obligations.tests.helpers import evaluation, run


def eu(**overrides: Any) -> dict[str, Any]:
    return run(jurisdictions=["EU"], **overrides)["EU"]


def test_a_stolen_encrypted_backup_with_a_safe_key_needs_no_notice() -> None:
    verdict = eu(cause="theft", items=["name", "email", "medical_history"], persons=5000, encryption="advanced")
    assert verdict["notify_authority"] is False
    assert verdict["notify_subjects"] is False
    assert verdict["authority_due"] is None
    assert verdict["report_to"] is None


def test_sensitive_data_emailed_to_the_wrong_person_needs_both_notices() -> None:
    verdict = eu(cause="misdelivery_email", items=["name", "email", "medical_history"], persons=1)
    assert verdict["notify_authority"] is True
    assert verdict["notify_subjects"] is True
    assert verdict["report_to"] == "authority"
    assert verdict["authority_due"] == "2026-03-05T10:00:00+09:00"


def test_an_order_sent_to_the_wrong_customer_needs_neither_notice() -> None:
    verdict = eu(cause="misdelivery_post", items=["name", "address", "order_history"], persons=1)
    assert verdict["notify_authority"] is False
    assert verdict["notify_subjects"] is False
    assert verdict["severity"]["level"] == "low"


def test_ransomware_without_a_backup_needs_the_authority() -> None:
    verdict = eu(event="loss", cause="ransomware", items=["name", "address", "phone"], backup_exists=False, persons=800)
    assert verdict["notify_authority"] is True
    assert verdict["notify_subjects"] is False


def test_ransomware_without_a_backup_of_high_impact_data_needs_the_people_too() -> None:
    verdict = eu(event="loss", cause="ransomware", items=["name", "address", "medical_history"], backup_exists=False)
    assert verdict["notify_authority"] is True
    assert verdict["notify_subjects"] is True


def test_ransomware_with_a_backup_and_no_exfiltration_is_only_documented() -> None:
    verdict = eu(event="loss", cause="ransomware", items=["name", "address"], backup_exists=True)
    assert verdict["notify_authority"] is False
    assert any("33(5)" in line for line in verdict["explanation"])


def test_a_processor_tells_its_controller_not_the_authority() -> None:
    verdict = eu(role="processor", cause="unauthorized_access", items=["name", "card_number"], persons=5000)
    assert verdict["notify_authority"] is False
    assert verdict["notify_subjects"] is False
    assert verdict["report_to"] == "controller"
    assert verdict["authority_due"] is None
    assert any("33(2)" in line for line in verdict["explanation"])


def test_72_hours_cross_a_change_of_month_to_the_minute() -> None:
    verdict = eu(aware_at="2026-03-30T15:37:00+02:00", cause="unauthorized_access", items=["name", "email"])
    assert verdict["authority_due"] == "2026-04-02T15:37:00+02:00"


def test_72_hours_cross_a_change_of_year() -> None:
    verdict = eu(aware_at="2026-12-30T23:59:00+09:00", cause="unauthorized_access", items=["name", "email"])
    assert verdict["authority_due"] == "2027-01-02T23:59:00+09:00"


def test_72_hours_in_february_of_a_leap_year() -> None:
    verdict = eu(aware_at="2028-02-27T08:00:00+01:00", cause="unauthorized_access", items=["name", "email"])
    assert verdict["authority_due"] == "2028-03-01T08:00:00+01:00"


def test_recovered_unviewed_data_is_only_documented() -> None:
    verdict = eu(cause="misdelivery_email", items=["name", "medical_history"], recovered_unviewed=True)
    assert verdict["notify_authority"] is False
    assert verdict["notify_subjects"] is False


def test_the_severity_is_shown_with_its_parts() -> None:
    result = evaluation(
        jurisdictions=["EU"], cause="unauthorized_access", items=["name", "email", "order_history"], persons=90_000
    )
    assert result.eu is not None
    severity = result.eu.severity
    # Behavioural data (DPC 2) × name with email (EI 1) + leak to unknown parties (0.5) + malicious (0.5).
    assert (severity.dpc, severity.ei, severity.cb_confidentiality, severity.cb_malicious) == (2, 1.0, 0.5, 0.5)
    assert severity.score == 3.0
    assert severity.level == "high"
    assert result.eu.as_contract()["severity"] == {"score": 3.0, "level": "high"}
    assert any("SE = DPC 2 × EI 1.0 + CB 1.00" in line for line in result.eu.explanation)


@pytest.mark.parametrize(
    ("items", "cause", "level"),
    [
        (["gender"], "misconfiguration", "low"),
        (["name", "email"], "misconfiguration", "low"),
        (["name", "email"], "unauthorized_access", "medium"),
        (["name", "email", "card_number"], "misconfiguration", "high"),
        (["name", "medical_history"], "unauthorized_access", "very_high"),
    ],
)
def test_the_levels_follow_the_enisa_bands(items: list[str], cause: str, level: str) -> None:
    assert eu(items=items, cause=cause)["severity"]["level"] == level


def test_a_bank_account_number_alone_scores_below_card_data() -> None:
    alone = eu(items=["name", "bank_account"])["severity"]["score"]
    with_pin = eu(items=["name", "bank_account", "password"])["severity"]["score"]
    assert alone < with_pin
