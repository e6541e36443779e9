"""Serve the public incident page, its Atom feed and the self-check: no login, no personal data, cache-friendly.

The page is rendered once per page version and language and kept in the cache; the ETag is derived from the same
version, so a conditional GET is answered with 304 before anything is rendered. Until the first notice is published
the page is a 404 for everyone except the incident's members, who see a preview that is never cached.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import feedgenerator, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from breachdesk.incidents.models import Incident, Membership
from breachdesk.notices import selectors
from breachdesk.notices.forms import SelfCheckForm
from breachdesk.notices.rendering import markdown_html, markdown_text
from breachdesk.notices.selfcheck_queue import Outcome, SelfCheckInput, selfcheck_submit

MAX_AGE = 60
PAGE_CACHE_SECONDS = 600


def _is_member(request: HttpRequest, incident_id: int) -> bool:
    """Return whether the visitor is signed in as a member; only touch the session when a cookie is there."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = request.user
    return bool(user.is_authenticated and Membership.objects.filter(incident_id=incident_id, user_id=user.pk).exists())


def public_open(request: HttpRequest, code: str) -> tuple[selectors.PageState, bool]:
    """Return the page state and whether this is a members' preview; 404 when the page is not public yet."""
    state = selectors.public_page_state(code=code)
    if state is None:
        raise Http404("No such page.")
    if state.published:
        return state, False
    if _is_member(request, state.incident_id):
        return state, True
    raise Http404("No such page.")


def _public_headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["ETag"] = etag
    patch_vary_headers(response, ("Accept-Language",))
    return response


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _etag(state: selectors.PageState, part: str, language: str) -> str:
    digest = hashlib.sha256(f"{state.stamp}|{part}|{language}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def _not_modified(request: HttpRequest, etag: str) -> bool:
    given = request.headers.get("If-None-Match", "")
    return bool(given) and (given.strip() == "*" or etag in [t.strip() for t in given.split(",")])


def contact_url(code: str) -> str:
    """Return the desk's public form URL when the desk serves one, else an empty string."""
    path = f"/p/{code}/contact/"
    try:
        resolve(path)
    except (Resolver404, NoReverseMatch):
        return ""
    return path


# Placeholders of the desk's answer blocks that speak about one person: meaningless on a public page.
PERSONAL_PLACEHOLDERS = frozenset({"affected", "items_ja", "not_included_ja", "token", "due_date"})
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def public_answer(answer: str, *, incident: Incident) -> str:
    """Return a FAQ answer fit for the public: incident-wide placeholders filled, no raw ``{{ … }}`` left.

    A FAQ entry copied from a desk block may hold placeholders. The incident's items and the desk's hours are the same
    for everyone and are filled in; an answer about one person (``{{ affected }}``) becomes a pointer to the
    self-check and the desk, since a public page cannot say whether a reader is affected.
    """
    names = set(_PLACEHOLDER.findall(answer))
    if not names:
        return answer
    if names & PERSONAL_PLACEHOLDERS:
        return gettext(
            "Whether your data is affected can be checked with “Am I affected?” on this page, or by asking the desk; "
            "the answer is sent only to the registered e-mail address."
        )
    values: dict[str, str] = {}
    try:
        from breachdesk.inquiries.drafting import _incident_items
        from breachdesk.inquiries.mailer import desk_config

        config = desk_config(incident)
        values = {
            "incident_items_ja": _incident_items(incident.pk),
            "desk_hours": config.desk_hours,
            "notice_url": config.notice_url,
        }
    except ImportError:  # the desk is optional; its placeholders then read as nothing
        pass
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), answer)


def _page_context(incident: Incident, *, preview: bool) -> dict[str, Any]:
    notices = selectors.notices_published(incident=incident)
    if preview and not notices:
        from breachdesk.notices.models import Notice, NoticeStatus

        notices = list(Notice.objects.filter(incident=incident, status=NoticeStatus.APPROVED).order_by("-id"))
    rendered = [{"notice": n, "html": markdown_html(n.body)} for n in notices]
    return {
        "incident": incident,
        "latest": rendered[0] if rendered else None,
        "earlier": rendered[1:],
        "notices": notices,
        "faq": [
            {"entry": e, "html": markdown_html(public_answer(e.answer, incident=incident))}
            for e in selectors.faq_public(incident=incident)
        ],
        "desk": selectors.desk_info(incident=incident),
        "contact_url": contact_url(incident.code),
        "preview": preview,
    }


@require_GET
def page(request: HttpRequest, code: str) -> HttpResponse:
    """Show the public incident page: the latest notice first, all notices, the FAQ, the desk and the self-check."""
    state, preview = public_open(request, code)
    language = translation.get_language() or settings.LANGUAGE_CODE
    if preview:
        incident = Incident.objects.get(pk=state.incident_id)
        return _private(render(request, "notices/public/page.html", _page_context(incident, preview=True)))
    etag = _etag(state, "page", language)
    if _not_modified(request, etag):
        return _public_headers(HttpResponseNotModified(), etag)
    key = f"notices:page:{state.stamp}:{language}"
    html = cache.get(key)
    if html is None:
        incident = Incident.objects.get(pk=state.incident_id)
        html = render_to_string("notices/public/page.html", _page_context(incident, preview=False))
        cache.set(key, html, PAGE_CACHE_SECONDS)
    return _public_headers(HttpResponse(html), etag)


@require_GET
def feed(request: HttpRequest, code: str) -> HttpResponse:
    """Serve the Atom feed of the published notices."""
    state, preview = public_open(request, code)
    language = translation.get_language() or settings.LANGUAGE_CODE
    etag = _etag(state, "feed", language)
    if not preview and _not_modified(request, etag):
        return _public_headers(HttpResponseNotModified(), etag)
    incident = Incident.objects.get(pk=state.incident_id)
    page_url = request.build_absolute_uri(reverse("public:page", kwargs={"code": code}))
    atom = feedgenerator.Atom1Feed(
        title=f"{incident.organisation}: {incident.title}",
        link=page_url,
        description="",
        language=language,
        feed_url=request.build_absolute_uri(),
        feed_guid=f"{page_url}#feed",
    )
    for notice in selectors.notices_published(incident=incident):
        atom.add_item(
            title=f"第{notice.number}報 {notice.title}",
            link=f"{page_url}#notice-{notice.number}",
            description=str(markdown_html(notice.body)),
            unique_id=f"{page_url}#notice-{notice.number}",
            pubdate=notice.published_at,
            updateddate=notice.published_at,
            content=markdown_text(notice.body)[:500],
        )
    response = HttpResponse(atom.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")
    return _private(response) if preview else _public_headers(response, etag)


@csrf_protect
@require_http_methods(["GET", "POST"])
def selfcheck(request: HttpRequest, code: str) -> HttpResponse:
    """Take a self-check. Every accepted input gets the same redirect to the same static page."""
    state, preview = public_open(request, code)
    if request.method == "POST":
        form = SelfCheckForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            outcome = selfcheck_submit(
                incident_id=state.incident_id,
                data=SelfCheckInput(
                    email=data.get("email") or "",
                    member_id=(data.get("member_id") or "").strip(),
                    birth_date=data.get("birth"),
                    honeypot=bool(data.get("website")),
                ),
                ip=request.META.get("REMOTE_ADDR", ""),
            )
            if outcome == Outcome.LIMITED:
                incident = Incident.objects.get(pk=state.incident_id)
                response = render(request, "notices/public/limited.html", {"incident": incident}, status=429)
                response["Retry-After"] = "3600"
                return _private(response)
            return _private(HttpResponseRedirect(reverse("public:selfcheck_sent", kwargs={"code": code})))
        status = 400
    else:
        form = SelfCheckForm()
        status = 200
    incident = Incident.objects.get(pk=state.incident_id)
    response = render(
        request,
        "notices/public/selfcheck.html",
        {"incident": incident, "form": form, "preview": preview},
        status=status,
    )
    return _private(response)


@require_GET
def selfcheck_sent(request: HttpRequest, code: str) -> HttpResponse:
    """Say the one thing the self-check ever says: the result was mailed to the registered address."""
    state, preview = public_open(request, code)
    language = translation.get_language() or settings.LANGUAGE_CODE
    etag = _etag(state, "sent", language)
    if not preview and _not_modified(request, etag):
        return _public_headers(HttpResponseNotModified(), etag)
    key = f"notices:sent:{state.stamp}:{language}"
    html = cache.get(key) if not preview else None
    if html is None:
        incident = Incident.objects.get(pk=state.incident_id)
        html = render_to_string(
            "notices/public/selfcheck_sent.html",
            {"incident": incident, "page_url": reverse("public:page", args=[code])},
        )
        if not preview:
            cache.set(key, html, PAGE_CACHE_SECONDS)
    response = HttpResponse(html)
    return _private(response) if preview else _public_headers(response, etag)
