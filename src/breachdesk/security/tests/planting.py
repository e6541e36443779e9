"""Plant the hostile corpus through every staff form and every intake channel, and scan pages for it.

``plant_forms`` reads each desk page that has a form, fills every free-text field with a corpus entry and submits
it, so a new form is covered without a change here. ``plant_intake`` uses the public contact form, the API, an
uploaded .eml (the MIME parser the IMAP poller shares) and the self-check.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from breachdesk.security.corpus import HOSTILE, LONG_HEADER, MARKER, Hostile
from breachdesk.security.tests.access_rules import WEB
from breachdesk.testing.fixtures import World
from breachdesk.testing.routes import iter_routes

# Fragments that must never reach a page unescaped: each would be markup, a handler or a resource of the attacker's.
DANGEROUS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"<script>window\.__pwned",
        r"<script src=\"data:",
        r"<img src=x onerror",
        r"<svg onload",
        r"<b onmouseover",
        r"href=\"javascript:",
        r"href=\"data:text/html",
        r"<iframe srcdoc",
        r"<style>input\[",
        r"style=\"background:url\(https://evil",
        r"<meta http-equiv=\"refresh\" content=\"0;url=https://evil",
        r"<base href=\"https://evil",
        r"hx-get=\"/admin/\"",
    )
]
TEXT_TYPES = {"text", "search", "", None}
# Forms that take a file, or that destroy what the later pages should show, are planted by other means.
SKIP_FORMS = {"registry:job_upload", "registry:match_upload", "inquiries:mail_upload", "notices:stakeholder_import"}


@dataclass
class _Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    free_text: list[str] = field(default_factory=list)
    multipart: bool = False


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = _Form(
                method=(a.get("method") or "get").lower(),
                action=a.get("action") or "",
                multipart="multipart" in (a.get("enctype") or ""),
            )
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "option" and self._select and (self._select not in self._form.fields or "selected" in a):
            self._form.fields[self._select] = a.get("value") or ""
        if not a.get("name"):
            return
        name = str(a["name"])
        if tag == "input":
            kind = a.get("type")
            if kind in TEXT_TYPES:
                self._form.free_text.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields[name] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                self._form.fields[name] = a.get("value") or ""
        elif tag == "textarea":
            self._form.free_text.append(name)
            self._textarea = name
        elif tag == "select":
            self._select = name

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[_Form]:
    reader = _FormReader()
    reader.feed(html)
    return [f for f in reader.forms if f.method == "post"]


def plant_forms(client: Client, world: World) -> list[str]:
    """Submit every POST form on every desk page with hostile free text; return the route keys that took it."""
    corpus = itertools.cycle(HOSTILE)
    accepted = []
    posted: set[str] = set()
    prefix = f"/incidents/{world.incident.code}/"
    for route in iter_routes():
        key = f"{route.namespace}:{route.name}"
        rule = WEB.get(key)
        if rule is None or rule.get is None or key in SKIP_FORMS:
            continue
        url = route.build(world.url_kwargs())
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        for form in forms_of(page.content.decode()):
            target = form.action or url
            if form.multipart or not form.free_text or not target.startswith(prefix) or target in posted:
                continue
            posted.add(target)
            data = {**form.fields, **{name: next(corpus).text for name in form.free_text}}
            response = client.post(target, data)
            assert response.status_code < 500, f"{key}: {response.status_code}"
            if response.status_code in (200, 302):
                accepted.append(key)
    return accepted


def hostile_mail(entry: Hostile, n: int) -> bytes:
    """Return a mail whose headers and both bodies carry ``entry``."""
    outer = MIMEMultipart("alternative")
    outer["From"] = f"{entry.text[:60]} <attacker{n}@example.jp>".replace("\x00", "")
    outer["Subject"] = entry.text.replace("\x00", "") + " " + LONG_HEADER[:2000]
    outer["Message-ID"] = f"<hostile-{n}-{MARKER}@example.jp>"
    outer["X-Long"] = LONG_HEADER
    outer.attach(MIMEText(entry.text, "plain", "utf-8"))
    outer.attach(MIMEText(f"<p>{MARKER}</p>{entry.text}", "html", "utf-8"))
    return outer.as_bytes()


def plant_intake(world: World, lead: Client) -> dict[str, int]:
    """Send the corpus through the contact form, the API, an .eml upload and the self-check; return counts."""
    code = world.incident.code
    counts = {"form": 0, "api": 0, "eml": 0, "selfcheck": 0}
    for n, entry in enumerate(HOSTILE):
        public = Client()
        public.get(f"/p/{code}/contact/", REMOTE_ADDR=f"203.0.113.{n + 1}")
        response = public.post(
            f"/p/{code}/contact/",
            {"name": entry.text[:100], "email": f"p{n}@example.jp", "subject": entry.text[:200], "body": entry.text},
            REMOTE_ADDR=f"203.0.113.{n + 1}",
        )
        assert response.status_code in (200, 400), f"form {entry.name}: {response.status_code}"
        counts["form"] += response.status_code == 200
        api = lead.post(
            f"/api/v1/incidents/{code}/inquiries",
            data=json.dumps({"subject": entry.text, "body": entry.text, "sender_name": entry.text[:200]}),
            content_type="application/json",
        )
        assert api.status_code in (201, 422), f"api {entry.name}: {api.status_code}"
        counts["api"] += api.status_code == 201
        upload = SimpleUploadedFile(f"{entry.name}.eml", hostile_mail(entry, n), content_type="message/rfc822")
        eml = lead.post(f"/incidents/{code}/desk/upload/", {"file": upload})
        assert eml.status_code in (200, 302), f"eml {entry.name}: {eml.status_code}"
        counts["eml"] += eml.status_code == 302
        check = Client()
        check.get(f"/p/{code}/check/", REMOTE_ADDR=f"198.18.0.{n + 1}")
        answer = check.post(
            f"/p/{code}/check/",
            {"email": entry.text[:200], "member_id": entry.text[:120], "birth_date": entry.text[:40]},
            REMOTE_ADDR=f"198.18.0.{n + 1}",
        )
        assert answer.status_code in (302, 400, 404, 429), f"selfcheck {entry.name}: {answer.status_code}"
        counts["selfcheck"] += 1
    return counts


class _ActiveContent(HTMLParser):
    """Collect the elements and attributes of a document that could run script or load the attacker's resources."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        data_block = a.get("type") == "application/json"  # json_script: data, never run
        if tag == "script" and not data_block and not a.get("src", "").startswith("/static/"):
            self.found.append(f"<script src={a.get('src')!r}>")
        if tag in ("iframe", "object", "embed", "base", "style", "frame"):
            self.found.append(f"<{tag}>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta refresh>")
        for name, value in a.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith(
                ("javascript:", "data:text", "vbscript:")
            ):
                self.found.append(f"<{tag} {name}={value[:30]!r}>")
            if name == "style" and "url(" in value.lower():
                self.found.append(f"<{tag} style=url()>")


def scan(html: str) -> list[str]:
    """Return the dangerous fragments and active elements found in ``html``."""
    reader = _ActiveContent()
    reader.feed(html)
    return [p.pattern for p in DANGEROUS if p.search(html)] + reader.found


def page_urls(world: World) -> list[str]:
    """Return every desk page the lead can GET (HTML or not), plus both views of every inquiry."""
    urls = []
    for route in iter_routes():
        key = f"{route.namespace}:{route.name}"
        if key in WEB and WEB[key].get is not None:
            urls.append(route.build(world.url_kwargs()))
    from breachdesk.inquiries.models import Inquiry

    for pk in Inquiry.objects.filter(incident=world.incident).values_list("pk", flat=True):
        for view in ("text", "html"):
            urls.append(f"/incidents/{world.incident.code}/desk/{pk}/?view={view}")
    return urls
