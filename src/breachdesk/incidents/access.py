"""Open an incident for a view through the membership selector: the decorator every incident page uses.

It lives with the incidents (not in the web layer) so that every app's views can use it without importing the layer
that sits on top of them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from breachdesk.core.errors import NotFound
from breachdesk.core.roles import Capability
from breachdesk.incidents.selectors import incident_access

View = Callable[..., HttpResponse]


def incident_view(capability: Capability = Capability.VIEW) -> Callable[[View], View]:
    """Open the incident named by the ``code`` URL argument and pass the access as ``access``.

    A non-member gets 404; a member whose role lacks ``capability`` gets 403 with a clear message.
    """

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                access = incident_access(user=request.user, code=code)
            except NotFound:
                raise Http404("No such incident.") from None
            request.incident_access = access  # type: ignore[attr-defined]
            if capability != Capability.VIEW:
                access.require(capability)
            return view(request, *args, access=access, **kwargs)

        return wrapper

    return decorate
