"""Route the public incident page under ``p/<code>/``: the page, its Atom feed and the self-check."""

from __future__ import annotations

from django.urls import URLPattern, path

from breachdesk.notices import public_views

app_name = "public"

urlpatterns: list[URLPattern] = [
    path("", public_views.page, name="page"),
    path("feed.atom", public_views.feed, name="feed"),
    path("check/", public_views.selfcheck, name="selfcheck"),
    path("check/sent/", public_views.selfcheck_sent, name="selfcheck_sent"),
]
