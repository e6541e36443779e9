"""Name the data items and facts the obligation engine reads (the contract of docs data-items.md).

This module is pure: the rule packs import it without Django being set up.
"""

from __future__ import annotations

# key -> Japanese label, in the order of the vocabulary table.
ITEM_LABELS_JA: dict[str, str] = {
    "name": "氏名",
    "name_kana": "氏名（カナ）",
    "email": "メールアドレス",
    "phone": "電話番号",
    "address": "住所",
    "postal_code": "郵便番号",
    "birth_date": "生年月日",
    "gender": "性別",
    "member_id": "会員ID",
    "login_id": "ログインID",
    "password": "パスワード",
    "card_number": "クレジットカード番号",
    "card_expiry": "カード有効期限",
    "card_security_code": "セキュリティコード",
    "card_last4": "カード番号下4桁",
    "bank_account": "銀行口座",
    "order_history": "注文・購入履歴",
    "health_checkup": "健康診断結果",
    "medical_history": "病歴・診療情報",
    "disability": "障害の有無",
    "criminal_record": "犯罪歴",
    "crime_victim": "犯罪被害の事実",
    "race": "人種",
    "creed": "信条",
    "social_status": "社会的身分",
    "my_number": "個人番号（マイナンバー）",
    "passport_number": "旅券番号",
    "drivers_license": "運転免許証番号",
    "income": "収入・資産",
    "inquiry_contents": "問い合わせ内容・メール本文",
}
ITEMS: frozenset[str] = frozenset(ITEM_LABELS_JA)

# 要配慮個人情報 (APPI Art. 2(3)); Rule 7(1).
SENSITIVE_ITEMS: frozenset[str] = frozenset(
    {
        "health_checkup",
        "medical_history",
        "disability",
        "criminal_record",
        "crime_victim",
        "race",
        "creed",
        "social_status",
    }
)
# Items that are financial on their own (Rule 7(2)); the combinations live in the rule packs.
FINANCIAL_ALONE: frozenset[str] = frozenset({"card_number", "card_security_code"})

# The cause keys of ``incidents.models.Cause`` (a test keeps the two in step).
CAUSES: tuple[str, ...] = (
    "unauthorized_access",
    "ransomware",
    "malware",
    "misdelivery_email",
    "misdelivery_post",
    "misconfiguration",
    "lost_device",
    "theft",
    "insider",
    "web_skimming",
    "phishing_by_user",
    "other",
)
CAUSE_LABELS_JA: dict[str, str] = {
    "unauthorized_access": "不正アクセス",
    "ransomware": "ランサムウェア",
    "malware": "マルウェア感染",
    "misdelivery_email": "電子メールの誤送信",
    "misdelivery_post": "郵便物等の誤送付",
    "misconfiguration": "設定の誤り",
    "lost_device": "機器・書類の紛失",
    "theft": "盗難",
    "insider": "従業者による持ち出し",
    "web_skimming": "ウェブスキミング（決済画面の改ざん）",
    "phishing_by_user": "利用者に対するフィッシング",
    "other": "その他",
}
# Acts that may have been done for an unfair purpose (Rule 7(3)). Web skimming joins only from 2024-04-01 in Japan.
MALICIOUS_CAUSES: frozenset[str] = frozenset({"unauthorized_access", "ransomware", "malware", "theft", "insider"})
MISDELIVERY_CAUSES: frozenset[str] = frozenset({"misdelivery_email", "misdelivery_post"})

JURISDICTIONS: tuple[str, ...] = ("JP", "EU")
ROLES: tuple[str, ...] = ("controller", "entrusted", "processor")
EVENTS: tuple[str, ...] = ("leak", "loss", "damage")
EVENT_LABELS_JA: dict[str, str] = {"leak": "漏えい", "loss": "滅失", "damage": "毀損"}
ENCRYPTION: tuple[str, ...] = ("none", "advanced", "advanced_key_compromised")
