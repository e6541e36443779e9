"""Verify or set up the TOTP second factor after the password step."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from breachdesk.core.types import AuthedRequest
from breachdesk.incidents.enrolment import enrolment_grant_find, enrolment_grant_live, enrolment_grant_redeem
from breachdesk.web.forms import EnrolmentCodeForm, TokenForm

# The session remembers the enrolment grant whose code the user entered, until the device is confirmed.
GRANT_SESSION_KEY = "breachdesk_enrolment_grant"


def _next_url(request: AuthedRequest) -> str:
    candidate = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthedRequest) -> HttpResponse:
    """Ask for the code of the user's confirmed TOTP device, or start the set-up when there is none."""
    user = request.user
    if user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return HttpResponseRedirect(f"{reverse('otp_setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
    return render(request, "web/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: AuthedRequest) -> HttpResponse:
    """Ask for the enrolment code an administrator or lead issued; then show the QR code and confirm the device."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return HttpResponseRedirect(f"{reverse('otp_verify')}?next={_next_url(request)}")
    grant = enrolment_grant_live(user=user, grant_id=request.session.get(GRANT_SESSION_KEY))
    if grant is None:
        return _enrolment_code(request)
    device, _created = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "authenticator"})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not enrolment_grant_redeem(grant=grant):
                request.session.pop(GRANT_SESSION_KEY, None)
                return _enrolment_code(request)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session.pop(GRANT_SESSION_KEY, None)
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("This code is not valid. Scan the QR code again and enter the current code."))
    return render(
        request,
        "web/otp_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": device.config_url,
            "next": _next_url(request),
        },
    )


def _enrolment_code(request: AuthedRequest) -> HttpResponse:
    """Ask for the one-time enrolment code; a valid one opens the set-up for this session."""
    form = EnrolmentCodeForm(request.POST or None) if "enrolment_code" in request.POST else EnrolmentCodeForm()
    if form.is_bound and form.is_valid():
        grant = enrolment_grant_find(user=request.user, code=form.cleaned_data["enrolment_code"])
        if grant is not None:
            request.session[GRANT_SESSION_KEY] = grant.pk
            return HttpResponseRedirect(f"{reverse('otp_setup')}?next={_next_url(request)}")
        form.add_error(
            "enrolment_code",
            _("This enrolment code is not valid, has expired or was already used. Ask for a new one."),
        )
    return render(request, "web/otp_enrol_code.html", {"form": form, "next": _next_url(request)})
