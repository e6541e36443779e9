"""Route the staff desk, the API, accounts and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from breachdesk.api.api import api
from breachdesk.core.views import healthz
from breachdesk.web.views import accounts

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:incident_list", permanent=False)),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", accounts.otp_verify, name="otp_verify"),
    path("accounts/2fa/setup/", accounts.otp_setup, name="otp_setup"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("incidents/<slug:code>/registry/", include("breachdesk.registry.urls")),
    path("incidents/<slug:code>/obligations/", include("breachdesk.obligations.urls")),
    path("incidents/<slug:code>/desk/", include("breachdesk.inquiries.urls")),
    path("incidents/<slug:code>/campaigns/", include("breachdesk.campaigns.urls")),
    path("incidents/<slug:code>/costs/", include("breachdesk.costs.urls")),
    path("incidents/<slug:code>/notices/", include("breachdesk.notices.urls")),
    path("p/<slug:code>/contact/", include("breachdesk.inquiries.public_urls")),
    path("p/<slug:code>/", include("breachdesk.notices.public_urls")),
    path("incidents/", include("breachdesk.web.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
