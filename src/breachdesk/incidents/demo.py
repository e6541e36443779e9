"""Build the OCO demo incident: the ticket site オールチケットオンライン, its users, tasks and timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from breachdesk.core.roles import Role
from breachdesk.incidents import services
from breachdesk.incidents.models import Incident, StakeholderKind, StakeholderStatus, Task, TaskStatus

ORDER = 0
DEMO_CODE = "oco-2026"
DEMO_PASSWORD = "oco-demo-2026!"  # noqa: S105 - documented demo login, printed by `make run`
TOKYO = ZoneInfo("Asia/Tokyo")

# username, first name, last name, role, organisation, staff
DEMO_USERS: list[tuple[str, str, str, str, str, bool]] = [
    ("lead", "健一", "佐藤", Role.LEAD, "GRシステム株式会社", True),
    ("desk1", "美咲", "高橋", Role.RESPONDER, "GRシステム株式会社", False),
    ("desk2", "翔太", "田中", Role.RESPONDER, "GRシステム株式会社", False),
    ("legal", "由美", "伊藤", Role.REVIEWER, "株式会社DNプランニング 法務部", False),
    ("engineer", "大輔", "渡辺", Role.ENGINEER, "GRシステム株式会社", False),
    ("pr", "彩", "山本", Role.PR, "株式会社DNプランニング 広報部", False),
    ("viewer", "誠", "中村", Role.VIEWER, "株式会社DNプランニング 経営企画室", False),
]

STAKEHOLDERS = [
    (StakeholderKind.CARD_COMPANY, "さくらカード株式会社", "不正利用対策室", StakeholderStatus.CONTACTED),
    (
        StakeholderKind.CARD_COMPANY,
        "みらいクレジット株式会社",
        "加盟店管理部",
        StakeholderStatus.NOT_CONTACTED,
    ),
    (StakeholderKind.CARD_COMPANY, "ひかり信販株式会社", "リスク管理部", StakeholderStatus.NOT_CONTACTED),
    (StakeholderKind.PARTNER, "あおば決済サービス株式会社", "決済代行 窓口", StakeholderStatus.BRIEFED),
    (StakeholderKind.POLICE, "警視庁 サイバー犯罪対策課", "", StakeholderStatus.CONTACTED),
    (StakeholderKind.REGULATOR, "個人情報保護委員会", "漏えい等報告 窓口", StakeholderStatus.NOT_CONTACTED),
]


def _today_at(hour: int, minute: int) -> datetime:
    today = timezone.localtime(timezone.now(), TOKYO).date()
    return datetime.combine(today, time(hour, minute), tzinfo=TOKYO)


def _user(username: str, first: str, last: str, staff: bool) -> Any:
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_user(
            username=username,
            email=f"{username}@demo.breachdesk.invalid",
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=staff,
        )
    return user


def build(*, log: Callable[[str], None]) -> None:
    """Create the OCO incident and its people unless it already exists."""
    if Incident.objects.filter(code=DEMO_CODE).exists():
        log(f"demo: incident {DEMO_CODE} is already loaded")
        return
    with translation.override("ja"), transaction.atomic():
        users = {u[0]: _user(u[0], u[1], u[2], u[5]) for u in DEMO_USERS}
        lead = users["lead"]
        found = _today_at(9, 15)
        incident = services.incident_create(
            actor=lead,
            code=DEMO_CODE,
            title="オールチケットオンライン 会員情報への不正アクセス",
            organisation="株式会社DNプランニング（オールチケットオンライン運営）",
            found_at=found,
            aware_at=found + timedelta(minutes=45),
            event_kind="leak",
            suspected=True,
            cause="unauthorized_access",
            affected_systems="会員データベース（MySQL）、チケット購入API、管理画面",
            description=(
                "保守委託先のGRシステムが、会員データベースへの不審なアクセスをログ監視で検知した。"
                "約14万人の会員のうち約9万人分の氏名・メールアドレス・住所・電話番号・生年月日・購入履歴が"
                "外部に送信された可能性がある。カード情報は決済代行会社に保持しており、現時点で漏えいは確認されていない。"
            ),
            jurisdictions=["JP"],
            org_role="controller",
        )
        for username, _first, _last, role, organisation, _staff in DEMO_USERS:
            if username == "lead":
                incident.memberships.filter(user=lead).update(organisation=organisation)
                continue
            services.membership_add(
                incident=incident, actor=lead, user=users[username], role=role, organisation=organisation
            )
        for kind, name, contact, status in STAKEHOLDERS:
            stakeholder = services.stakeholder_create(
                incident=incident,
                actor=users["pr"] if kind != StakeholderKind.POLICE else lead,
                kind=kind,
                name=name,
                contact_name=contact,
            )
            if status != StakeholderStatus.NOT_CONTACTED:
                services.stakeholder_set_status(stakeholder=stakeholder, actor=users["pr"], status=status)
        owners = {
            Role.ENGINEER: users["engineer"],
            Role.LEAD: lead,
            Role.RESPONDER: users["desk1"],
            Role.PR: users["pr"],
        }
        for task in Task.objects.filter(incident=incident).order_by("order"):
            owner = owners.get(Role(task.owner_role)) if task.owner_role else None
            if owner is not None:
                services.task_update(task=task, actor=lead, owner=owner)
        contain = Task.objects.get(incident=incident, playbook_key="contain")
        services.task_set_status(task=contain, actor=users["engineer"], status=TaskStatus.DONE)
        for key in ("response-team", "preserve-evidence", "fact-sheet"):
            task = Task.objects.get(incident=incident, playbook_key=key)
            services.task_set_status(task=task, actor=owners[Role(task.owner_role)], status=TaskStatus.IN_PROGRESS)
        services.incident_set_phase(incident=incident, actor=lead, phase="grasp")
    log(f"demo: incident {DEMO_CODE} created with {len(DEMO_USERS)} users")


def print_logins(out: IO[str] | Any) -> None:
    """Print the demo logins (all share one password) to ``out``."""
    out.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for username, first, last, role, organisation, _staff in DEMO_USERS:
        out.write(f"  {username:<9} {Role(role).label} — {last} {first}, {organisation}")
