"""Serve the public contact form of an incident: no login, CSRF, a honeypot and a per-IP limit."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from breachdesk.core import extensions
from breachdesk.incidents.models import Incident
from breachdesk.inquiries import forms, services
from breachdesk.inquiries.errors import RateLimited
from breachdesk.inquiries.mailer import desk_config


def _incident(request: HttpRequest, code: str) -> Incident:
    """Return the incident whose form is public: 404 (as for an unknown code) until the first notice is published,
    except for the incident's members, who see a preview; 404 too when the desk closed its form.

    Whether the public page is open is the notices' to say, through ``extensions.public_page_gates``.
    """
    gates = extensions.public_page_gates.all()
    if not gates:
        raise Http404("No such page.")
    incident = Incident.objects.get(pk=gates[0].fn(request, code))
    if not desk_config(incident).public_form_open:
        raise Http404("No such page.")
    return incident


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, code: str) -> HttpResponse:
    """Show the form, or take a submission and show its reference number."""
    incident = _incident(request, code)
    form = forms.PublicInquiryForm(request.POST or None)
    if request.method == "POST":
        try:
            services.rate_limit_hit(scope=f"form:{incident.pk}", client_ip=request.META.get("REMOTE_ADDR", ""))
        except RateLimited:
            return render(request, "inquiries/public/limited.html", {"incident": incident}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            if data.pop("website"):
                # A bot filled the hidden field: answer as if accepted, keep nothing.
                return render(request, "inquiries/public/thanks.html", {"incident": incident, "token": None})
            result = services.form_submit(incident=incident, **data)
            token = result.inquiry.token if result.inquiry else None
            return render(request, "inquiries/public/thanks.html", {"incident": incident, "token": token})
    return render(request, "inquiries/public/form.html", {"incident": incident, "form": form})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    """Confirm a web-form sender's address: GET only shows the button (mail scanners open links), POST confirms."""
    incident = Incident.objects.filter(code=code).first()
    inquiry = services.inquiry_for_confirmation(incident=incident, secret=secret) if incident is not None else None
    if incident is None or inquiry is None:
        raise Http404("No such page.")
    if request.method == "POST":
        services.inquiry_confirm_sender(inquiry=inquiry, actor="sender")
        response = render(request, "inquiries/public/confirm.html", {"incident": incident, "confirmed": True})
    else:
        response = render(request, "inquiries/public/confirm.html", {"incident": incident, "confirmed": False})
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"  # the secret never leaves in a Referer; Origin stays for CSRF
    return response


@require_http_methods(["GET", "POST"])
def deletion_confirm(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    """Let the registered person confirm a deletion request: GET shows the button, POST confirms."""
    incident = Incident.objects.filter(code=code).first()
    deletion = services.deletion_for_confirmation(incident=incident, secret=secret) if incident is not None else None
    if incident is None or deletion is None:
        raise Http404("No such page.")
    confirmed = False
    if request.method == "POST":
        services.deletion_confirm_link(deletion=deletion)
        confirmed = True
    response = render(request, "inquiries/public/deletion_confirm.html", {"incident": incident, "confirmed": confirmed})
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"  # the secret never leaves in a Referer; Origin stays for CSRF
    return response
