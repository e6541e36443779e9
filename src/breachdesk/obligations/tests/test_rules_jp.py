"""Every APPI example of docs rules-and-figures.md, with its verdict and its dates."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.obligations.tests.helpers import evaluation, run


def jp(**overrides: Any) -> dict[str, Any]:
    return run(jurisdictions=["JP"], **overrides)["JP"]


def test_sensitive_data_for_one_person_is_reportable_within_30_days() -> None:
    verdict = jp(items=["name", "medical_history"], cause="misdelivery_email")
    assert verdict["reportable"] is True
    assert verdict["categories"] == ["sensitive"]
    assert verdict["report_to"] == "PPC"
    assert verdict["notify_individuals"] is True
    assert verdict["preliminary_due"] == "2026-03-07"
    assert verdict["final_due"] == "2026-04-01"
    assert any("施行規則第7条第1号" in line for line in verdict["explanation"])


@pytest.mark.parametrize(
    "item", ["health_checkup", "medical_history", "disability", "criminal_record", "crime_victim", "race", "creed"]
)
def test_each_sensitive_item_makes_category_1(item: str) -> None:
    assert jp(items=[item])["categories"] == ["sensitive"]


def test_a_card_number_alone_is_financial() -> None:
    verdict = jp(items=["card_number"])
    assert verdict["categories"] == ["financial"]
    assert verdict["final_due"] == "2026-04-01"
    assert any("施行規則第7条第2号" in line for line in verdict["explanation"])
    assert any("Q&A 6-15" in line for line in verdict["explanation"])


def test_the_last_four_digits_with_the_expiry_date_are_not_financial() -> None:
    verdict = jp(items=["name", "card_last4", "card_expiry"])
    assert verdict["reportable"] is False
    assert verdict["categories"] == []
    assert verdict["preliminary_due"] is None
    assert verdict["final_due"] is None
    assert any("6-12" in line for line in verdict["explanation"])


def test_address_phone_and_email_alone_are_not_financial() -> None:
    verdict = jp(items=["name", "address", "phone", "email"])
    assert verdict["reportable"] is False
    assert any("6-11" in line for line in verdict["explanation"])


def test_login_and_password_of_a_payment_capable_service_are_financial() -> None:
    assert jp(items=["login_id", "password"], payment_capable_service=True)["categories"] == ["financial"]


def test_login_and_password_of_a_service_that_cannot_pay_are_not_financial() -> None:
    assert jp(items=["login_id", "password"], payment_capable_service=False)["reportable"] is False


def test_a_bank_account_needs_its_pin_to_be_financial() -> None:
    assert jp(items=["bank_account"])["reportable"] is False
    assert jp(items=["bank_account", "password"])["categories"] == ["financial"]


@pytest.mark.parametrize("cause", ["unauthorized_access", "ransomware", "malware", "theft", "insider"])
def test_a_malicious_act_is_category_3_with_60_days_for_the_final_report(cause: str) -> None:
    verdict = jp(cause=cause, items=["name"], persons=1)
    assert verdict["categories"] == ["malicious"]
    assert verdict["preliminary_due"] == "2026-03-07"
    assert verdict["final_due"] == "2026-05-01"
    assert any("施行規則第7条第3号" in line for line in verdict["explanation"])


@pytest.mark.parametrize("cause", ["misdelivery_email", "misdelivery_post", "misconfiguration", "lost_device", "other"])
def test_a_mistake_is_not_malicious(cause: str) -> None:
    assert jp(cause=cause, items=["name"], persons=1)["reportable"] is False


def test_exactly_1000_people_are_not_enough() -> None:
    verdict = jp(persons=1000)
    assert verdict["reportable"] is False
    assert verdict["final_due"] is None


def test_1001_people_are_category_4() -> None:
    verdict = jp(persons=1001)
    assert verdict["reportable"] is True
    assert verdict["categories"] == ["over_1000"]
    assert verdict["final_due"] == "2026-04-01"
    assert any("施行規則第7条第4号" in line for line in verdict["explanation"])


def test_the_aware_date_decides_the_check_dates() -> None:
    verdict = jp(cause="unauthorized_access", persons=90_000, suspected=True)
    assert verdict["categories"] == ["malicious", "over_1000"]
    assert verdict["preliminary_due"] == "2026-03-07"
    assert verdict["final_due"] == "2026-05-01"
    assert jp(persons=90_000)["final_due"] == "2026-04-01"


def test_dates_are_counted_in_the_offset_of_aware_at() -> None:
    # 2026-03-01 20:00 in New York is already 2026-03-02 in Tokyo; the contract counts in the given offset.
    verdict = jp(aware_at="2026-03-01T20:00:00-05:00", persons=2000)
    assert verdict["preliminary_due"] == "2026-03-06"
    assert verdict["final_due"] == "2026-03-31"


def test_advanced_encryption_exempts_every_category() -> None:
    verdict = jp(cause="theft", items=["card_number", "medical_history"], persons=5000, encryption="advanced")
    assert verdict["reportable"] is False
    assert verdict["categories"] == []
    assert verdict["notify_individuals"] is False
    assert verdict["report_to"] is None
    assert any("高度な暗号化" in line for line in verdict["explanation"])


def test_the_exemption_is_lost_when_the_key_leaked_too() -> None:
    verdict = jp(cause="theft", items=["card_number"], persons=5000, encryption="advanced_key_compromised")
    assert verdict["reportable"] is True
    assert verdict["categories"] == ["financial", "malicious", "over_1000"]
    assert verdict["final_due"] == "2026-05-01"


def test_data_recovered_before_anyone_saw_it_is_not_a_leak() -> None:
    verdict = jp(cause="misdelivery_email", items=["medical_history"], recovered_unviewed=True)
    assert verdict["reportable"] is False
    assert any("6-1" in line for line in verdict["explanation"])


def test_loss_with_another_copy_is_not_loss() -> None:
    assert jp(event="loss", cause="lost_device", persons=5000, backup_exists=True)["reportable"] is False


def test_loss_without_another_copy_is_reportable() -> None:
    verdict = jp(event="loss", cause="lost_device", persons=5000, backup_exists=False)
    assert verdict["reportable"] is True
    assert verdict["categories"] == ["over_1000"]


def test_damage_is_reportable_like_a_leak() -> None:
    assert jp(event="damage", cause="ransomware", persons=1)["categories"] == ["malicious"]


def test_phishing_of_a_user_is_not_the_business_leak() -> None:
    verdict = jp(cause="phishing_by_user", items=["login_id", "password"], payment_capable_service=True, persons=5000)
    assert verdict["reportable"] is False
    assert verdict["categories"] == []
    assert any("6-6" in line for line in verdict["explanation"])


def test_skimming_before_2024_04_01_is_not_reportable() -> None:
    verdict = jp(aware_at="2024-03-31T23:59:00+09:00", cause="web_skimming", items=["card_number"], persons=3000)
    assert verdict["rule_pack"] == "jp_appi_2022"
    assert verdict["reportable"] is False
    assert verdict["final_due"] is None


def test_skimming_from_2024_04_01_is_malicious_only() -> None:
    verdict = jp(aware_at="2024-04-01T00:00:00+09:00", cause="web_skimming", items=["card_number"], persons=3000)
    assert verdict["rule_pack"] == "jp_appi_2024"
    assert verdict["reportable"] is True
    assert verdict["categories"] == ["malicious"]
    assert verdict["preliminary_due"] == "2024-04-06"
    assert verdict["final_due"] == "2024-05-31"


def test_the_pack_boundary_is_midnight_in_tokyo() -> None:
    # 2024-03-31 16:00 UTC is 2024-04-01 01:00 in Tokyo.
    assert jp(aware_at="2024-03-31T16:00:00+00:00", cause="web_skimming")["rule_pack"] == "jp_appi_2024"
    assert jp(aware_at="2024-03-31T14:59:00+00:00", cause="web_skimming")["rule_pack"] == "jp_appi_2022"


def test_the_2024_extension_leaves_the_other_categories_alone() -> None:
    before = jp(aware_at="2024-03-01T10:00:00+09:00", items=["card_number"], persons=2000, cause="theft")
    after = jp(aware_at="2024-05-01T10:00:00+09:00", items=["card_number"], persons=2000, cause="theft")
    assert before["categories"] == after["categories"] == ["financial", "malicious", "over_1000"]


def test_an_entrusted_party_reports_to_its_principal_and_notifies_nobody() -> None:
    verdict = jp(role="entrusted", cause="unauthorized_access", persons=5000)
    assert verdict["reportable"] is True
    assert verdict["report_to"] == "principal"
    assert verdict["notify_individuals"] is False
    assert verdict["preliminary_due"] == "2026-03-07"
    assert verdict["final_due"] is None
    assert any("施行規則第9条" in line for line in verdict["explanation"])


def test_a_processor_is_treated_as_an_entrusted_party_under_appi() -> None:
    verdict = jp(role="processor", persons=5000)
    assert verdict["report_to"] == "principal"
    assert verdict["notify_individuals"] is False


def test_a_suspected_leak_is_reportable() -> None:
    verdict = jp(suspected=True, items=["card_number"])
    assert verdict["reportable"] is True
    assert any("おそれ" in line for line in verdict["explanation"])


def test_my_number_is_flagged_for_legal_review() -> None:
    verdict = evaluation(jurisdictions=["JP"], items=["my_number"]).jp
    assert verdict is not None
    assert verdict.reportable is False
    assert any("番号法" in line for line in verdict.explanation)


def test_people_without_contact_data_allow_a_substitute_notice() -> None:
    from breachdesk.obligations.engine import evaluate, parse_facts
    from breachdesk.obligations.tests.helpers import facts

    parsed = parse_facts(
        {**facts(persons=2000), "without_contact": 120}, allowed=[*facts(), "without_contact", "suspected"]
    )
    verdict = evaluate(parsed).jp
    assert verdict is not None
    assert verdict.notify_individuals is True
    assert verdict.substitute_notice_allowed is True
    assert any("120" in line and "substitute" in line for line in verdict.explanation)
    without = evaluate(parse_facts(facts(persons=2000))).jp
    assert without is not None
    assert without.substitute_notice_allowed is False


def test_a_final_deadline_on_a_closed_day_names_the_next_open_day_as_guidance() -> None:
    # Aware 2026-11-30 + 30 days = 2026-12-30, inside the year-end closure (12/29–1/3).
    verdict = evaluation(jurisdictions=["JP"], aware_at="2026-11-30T10:00:00+09:00", persons=2000).jp
    assert verdict is not None
    assert verdict.final_due is not None
    assert verdict.final_due.isoformat() == "2026-12-30"
    assert verdict.final_due_next_business_day is not None
    assert verdict.final_due_next_business_day.isoformat() == "2027-01-04"
