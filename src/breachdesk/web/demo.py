"""Walk the demo lead through one person's record, so the access log shows what a review of it looks like.

The walk goes through the real pages (Django's test client, in process): the people list searched by the member ID
(a POST), the person's record, then each inquiry of that person. Every page writes its reads to the access log as it
would for a lead in a browser; ``breachdesk access-log --incident oco-2026 --json`` prints them.
"""

from __future__ import annotations

from collections.abc import Callable

ORDER = 90
MEMBER = "OCO0000007"


def build(*, log: Callable[[str], None]) -> None:
    """Walk the lead through one person's record unless the access log already has reads."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    from breachdesk.core.models import AccessEvent
    from breachdesk.incidents.demo import DEMO_CODE
    from breachdesk.incidents.models import Incident
    from breachdesk.inquiries.models import Inquiry
    from breachdesk.registry.selectors import person_lookup

    incident = Incident.objects.filter(code=DEMO_CODE).first()
    if incident is None or AccessEvent.objects.filter(incident=incident).exists():
        log("demo: access log skipped (no incident, or already walked)")
        return
    asked = Inquiry.objects.filter(incident=incident, person__isnull=False).select_related("person").order_by("pk")
    first = asked.first()  # a person who also wrote to the desk: the record then has inquiries to open
    person = first.person if first is not None else person_lookup(incident=incident, member_id=MEMBER)
    lead = get_user_model().objects.filter(username="lead").first()
    if person is None or lead is None:
        log("demo: access log skipped (no demo person or lead)")
        return
    host = next((h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")), "localhost")
    client = Client(HTTP_HOST=host)
    client.force_login(lead)
    base = f"/incidents/{incident.code}/registry"
    pages = [f"{base}/people/{person.pk}/"]
    inquiries = Inquiry.objects.filter(incident=incident, person=person).values_list("pk", flat=True)
    pages += [f"/incidents/{incident.code}/desk/{pk}/" for pk in inquiries]
    # The in-process client has no TOTP device to present; the pages and their access logging are the real ones.
    with override_settings(BREACHDESK_REQUIRE_2FA=False):
        answers = [client.post(f"{base}/people/", {"q": person.member_id}).status_code]  # the term in the body only
        answers += [client.get(page).status_code for page in pages]
    client.logout()
    if any(status != 200 for status in answers):
        log(f"demo: the access-log walk got {answers}")
    count = AccessEvent.objects.filter(incident=incident).count()
    log(f"demo: the lead walked through person #{person.pk}'s record ({count} reads on the access log)")
