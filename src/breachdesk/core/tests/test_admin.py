"""The Django admin: every model is there, for superusers only, and personal data is never shown decrypted."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse

from breachdesk.campaigns.models import NoticeTemplate
from breachdesk.core.admin_base import ReadOnlyAdmin
from breachdesk.core.models import TimelineEvent
from breachdesk.incidents import services as incidents
from breachdesk.inquiries.models import DeletionRequest, DeskConfig, Inquiry, Message, Reply
from breachdesk.registry.models import Person
from breachdesk.testing.factories import UserFactory
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db

# Plaintext the world's person and inquiry carry (testing/ sample_registry and sample_desk): never on an admin page.
PLAINTEXT = (
    "見本 花子",
    "hanako.mihon@example.jp",
    "090-0000-1111",
    "W-0001",
    "退会と削除のお願い",
    "私の個人情報を削除",
    "jiro.contact@example.jp",
    "連絡 次郎",
)
PII_MODELS = (Person, Inquiry, Message, Reply, DeletionRequest)


def _breachdesk_models() -> list[type[models.Model]]:
    """Return the project's models; models a test module declares for itself (``….tests.…``) are not the project's."""
    return [
        m
        for m in apps.get_models()
        if m._meta.app_config.name.startswith("breachdesk.") and ".tests." not in m.__module__
    ]


def _url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser() -> Any:
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def root_client(world: World, superuser: Any) -> Client:
    incidents.stakeholder_create(
        incident=world.incident,
        actor=world.lead,
        kind="card_company",
        name="Card Co.",
        contact_name="連絡 次郎",
        contact_email="jiro.contact@example.jp",
    )
    return client_for(superuser)


def test_every_model_of_every_breachdesk_app_is_registered() -> None:
    missing = [m._meta.label for m in _breachdesk_models() if not admin.site.is_registered(m)]
    assert missing == []
    assert len(_breachdesk_models()) > 40


def test_a_superuser_opens_every_list_and_change_page_and_sees_no_personal_data_decrypted(
    world: World, root_client: Client
) -> None:
    opened = 0
    for model in _breachdesk_models():
        with_rows = model._default_manager.order_by("pk").first()
        pages = [_url(model, "changelist")] + ([_url(model, "change", with_rows.pk)] if with_rows else [])
        for url in pages:
            response = root_client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            for plain in PLAINTEXT:
                assert plain not in body, (url, plain)
            opened += 1
    assert opened > 60


def test_encrypted_columns_show_a_placeholder_and_plain_contacts_a_masked_form(
    world: World, root_client: Client
) -> None:
    body = root_client.get(_url(Person, "change", world.person.pk)).content.decode()
    assert "暗号化済み（" in body
    assert "見本 花子" not in body
    inquiry = Inquiry.objects.get(pk=world.desk["inquiry_id"])
    body = root_client.get(_url(Inquiry, "change", inquiry.pk)).content.decode()
    assert "暗号化済み（" in body
    assert "hanako.mihon@example.jp" not in body
    stakeholder = world.incident.stakeholders.get(name="Card Co.")
    body = root_client.get(_url(type(stakeholder), "change", stakeholder.pk)).content.decode()
    assert "ji***@example.jp" in body
    assert "連***" in body


def test_pii_admins_refuse_add_change_and_delete(world: World, root_client: Client, superuser: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model in PII_MODELS:
        row = model._default_manager.order_by("pk").first()
        assert row is not None
        model_admin = admin.site._registry[model]
        label = model._meta.label
        assert isinstance(model_admin, ReadOnlyAdmin), label
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request, row), label
        assert not model_admin.has_delete_permission(request, row), label
        assert root_client.get(_url(model, "add")).status_code == 403, label
        assert root_client.post(_url(model, "change", row.pk), {"affected": "on"}).status_code == 403, label
        assert root_client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403, label
        assert model._default_manager.filter(pk=row.pk).exists(), label


def test_the_hash_chained_timeline_cannot_be_changed_or_deleted(world: World, root_client: Client) -> None:
    event = TimelineEvent.objects.filter(incident=world.incident).order_by("seq").first()
    assert event is not None
    before = (event.kind, event.hash)
    assert root_client.post(_url(TimelineEvent, "change", event.pk), {"kind": "forged"}).status_code == 403
    assert root_client.post(_url(TimelineEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert (event.kind, event.hash) == before


def test_staff_who_are_not_superusers_are_refused_even_with_every_permission(world: World) -> None:
    staff = world.lead  # is_staff, not a superuser
    staff.user_permissions.set(Permission.objects.all())
    client = client_for(staff)
    for url in (reverse("admin:index"), _url(Person, "changelist"), _url(Person, "change", world.person.pk)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    request = RequestFactory().get("/admin/")
    request.user = type(staff).objects.get(pk=staff.pk)
    for model in (Person, DeskConfig, NoticeTemplate):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_module_permission(request)
        assert not model_admin.has_view_permission(request)
        assert not model_admin.has_change_permission(request)


def test_a_superuser_changes_the_desk_settings_through_the_desk_service(world: World, root_client: Client) -> None:
    config = DeskConfig.objects.get(incident=world.incident)
    data = {
        "desk_address": "help@example.co.jp",
        "desk_hours": config.desk_hours,
        "notice_url": config.notice_url,
        "first_answer_business_days": 3,
        "ack_per_recipient_day": config.ack_per_recipient_day,
        "ack_per_incident_day": config.ack_per_incident_day,
        "link_domains": config.link_domains,
        "outbound_charset": config.outbound_charset,
        "imap_host": config.imap_host,
        "imap_port": config.imap_port,
        "imap_security": config.imap_security,
        "imap_username": config.imap_username,
        "imap_folder": config.imap_folder,
        "imap_ca_file": config.imap_ca_file,
    }
    if config.public_form_open:
        data["public_form_open"] = "on"
    response = root_client.post(_url(DeskConfig, "change", config.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    config.refresh_from_db()
    assert (config.desk_address, config.first_answer_business_days) == ("help@example.co.jp", 3)
    event = TimelineEvent.objects.filter(incident=world.incident, kind="desk.configured").order_by("-seq").first()
    assert event is not None
    assert event.actor_label == "root"
    assert event.data["changed"] == ["desk_address", "first_answer_business_days"]
    assert root_client.get(_url(DeskConfig, "add")).status_code == 403
    assert root_client.post(_url(DeskConfig, "delete", config.pk), {"post": "yes"}).status_code == 403


def test_a_superuser_renames_a_template_and_the_timeline_records_it(world: World, root_client: Client) -> None:
    template = NoticeTemplate.objects.get(pk=world.campaign_ids["template_id"])
    versions = list(template.versions.values_list("pk", "approved_at"))
    response = root_client.post(_url(NoticeTemplate, "change", template.pk), {"name": "First notice (renamed)"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "First notice (renamed)"
    assert list(template.versions.values_list("pk", "approved_at")) == versions
    event = TimelineEvent.objects.filter(incident=world.incident, kind="campaign.template_renamed").get()
    assert event.data["name"] == "First notice (renamed)"
