"""Hold the one seam between the apps: typed registries of the parts one app adds to another's screen or figure.

Each app registers its own parts from one ``<app>/contributions.py``, called from its ``AppConfig.ready()``::

    from breachdesk.core import extensions

    def contribute() -> None:
        extensions.panels.register(extensions.Panel("scanner", template="scanner/panel.html", context=..., order=60))

The part lives in the app that owns its data; the app that shows it (the dashboard, the navigation, the executive
summary, the regulator report, the readiness list, the campaign audience, the person page) reads the registry and
knows none of them. Order never matters: every part carries an explicit ``order`` and readers get the parts sorted by
``(order, key)``. A key registered twice raises ``DuplicateContribution`` (nothing replaces anything silently).

The types here name no other app: an incident, an ``IncidentAccess`` or a registry person reaches the callables as
``Any`` (documented on each field), so core stays below every app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


class DuplicateContribution(ImproperlyConfigured):
    """Raised when two parts of one kind share a key."""


class Contribution(Protocol):
    """What every registered part has: a unique key and an ordering key."""

    @property
    def key(self) -> str: ...

    @property
    def order(self) -> int: ...


P = TypeVar("P", bound=Contribution)


class Registry(Generic[P]):
    """Keep the parts of one kind, unique by key, read in ``(order, key)`` order."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._parts: dict[str, P] = {}

    def register(self, part: P) -> P:
        """Add ``part``; raise ``DuplicateContribution`` when its key is taken."""
        if part.key in self._parts:
            raise DuplicateContribution(f"Two {self.kind} are registered under the key {part.key!r}.")
        self._parts[part.key] = part
        return part

    def unregister(self, key: str) -> None:
        """Remove the part ``key`` if there is one (tests clean up with this or ``replaced``)."""
        self._parts.pop(key, None)

    def get(self, key: str) -> P | None:
        return self._parts.get(key)

    def keys(self) -> set[str]:
        return set(self._parts)

    def all(self) -> list[P]:
        """Return the parts sorted by ``(order, key)``."""
        return sorted(self._parts.values(), key=lambda p: (p.order, p.key))

    def __iter__(self) -> Iterator[P]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self._parts)

    @contextmanager
    def replaced(self, parts: Iterable[P] = (), *, keep: bool = True) -> Iterator[Registry[P]]:
        """Within the block, add ``parts`` (replacing those with the same key), or start empty when ``keep`` is false;
        restore the registry after it. For tests."""
        saved = dict(self._parts)
        if not keep:
            self._parts.clear()
        for part in parts:
            self._parts[part.key] = part
        try:
            yield self
        finally:
            self._parts.clear()
            self._parts.update(saved)


# --- Dashboard and navigation (read by web) ---------------------------------------------------------------------

PanelContext = Callable[[Any, HttpRequest], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Panel:
    """A dashboard panel. ``context(access, request)`` gets the ``incidents.selectors.IncidentAccess`` and returns the
    template context, or ``None`` to hide the panel. The clocks are order 10.

    A panel whose figures cost queries sets ``cache_seconds``: it is then drawn without the request and kept under
    the incident's stamp (see ``web.panels``), so it must not hold a form or anything of one session.
    """

    key: str
    template: str
    context: PanelContext
    order: int = 100
    cache_seconds: int = 0


@dataclass(frozen=True)
class NavEntry:
    """A link of the incident navigation bar; ``url_name`` is reversed with the incident code as ``code``. With
    ``capability`` (a ``core.roles.Capability`` value) the link is shown only to members whose role grants it."""

    key: str
    label: Any  # a lazy translation
    url_name: str
    order: int = 100
    capability: str | None = None


@dataclass(frozen=True)
class DashboardStamp:
    """A steadier stamp for the dashboard's caches than the timeline head: ``fn(incident=...)`` returns the hash of
    the latest event that may move a figure. The one with the lowest order is used."""

    key: str
    fn: Callable[..., str]
    order: int = 100


# --- Figures, reports and checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """A live figure for the costs and the executive summary: ``fn(incident)`` returns the value in the shape that
    ``costs.sources.METRICS`` lists under ``key``, or ``None`` when it has nothing yet."""

    key: str
    fn: Callable[[Any], Any]
    order: int = 100


@dataclass(frozen=True)
class ReportSection:
    """Text for one item of the regulator report (``obligations.providers.PROVIDED_ITEMS``): ``provider(incident)``
    returns Japanese text or ``None``. The texts of one item are joined in ``(order, key)`` order."""

    key: str
    item: str
    provider: Callable[[Any], str | None]
    order: int = 100


@dataclass(frozen=True)
class CheckResult:
    """The answer of a readiness check; ``available=False`` when its source is missing (an open item)."""

    ok: bool
    detail: Any = ""
    available: bool = True


def not_available(what: Any = "") -> CheckResult:
    """Return the open item of a check whose source app or table is missing."""
    from django.utils.translation import gettext_lazy as _

    return CheckResult(ok=False, detail=what or _("not available"), available=False)


@dataclass(frozen=True)
class ReadinessCheck:
    """One item of the first notice's readiness list: ``fn(incident)`` returns a ``CheckResult``."""

    key: str
    label: Any
    fn: Callable[[Any], CheckResult]
    order: int = 100


@dataclass(frozen=True)
class LinkHosts:
    """Hosts every outgoing message of an incident may link to (the mis-send guard's allow-list):
    ``fn(incident)`` returns host names (a domain allows its subdomains too)."""

    key: str
    fn: Callable[[Any], Iterable[str]]
    order: int = 100


@dataclass(frozen=True)
class PublicPageGate:
    """Decide whether an incident's public pages are open to a visitor (read by the desk's public form):
    ``fn(request, code)`` returns the incident id, or raises ``Http404`` while the page is not public (members may
    see a preview). The one with the lowest order is used; with none, the public pages are closed."""

    key: str
    fn: Callable[[HttpRequest, str], int]
    order: int = 100


# --- People (read by campaigns and the registry's person page) ---------------------------------------------------


@dataclass(frozen=True)
class AudienceRule:
    """People to leave out of every campaign: ``fn(incident)`` returns registry person ids (a queryset or an
    iterable). With ``legal_override`` the rule is skipped for a campaign whose lead recorded a legal reason."""

    key: str
    fn: Callable[[Any], Any]
    label: Any = ""
    legal_override: bool = True
    order: int = 100


@dataclass(frozen=True)
class PersonSection:
    """A section of the registry's person page: ``context(person, access, request)`` returns the template context,
    or ``None`` to hide it."""

    key: str
    template: str
    context: Callable[[Any, Any, HttpRequest], dict[str, Any] | None]
    order: int = 100


# --- Data keys (read by core.rekey and core.rotation) -------------------------------------------------------------


@dataclass(frozen=True)
class EncryptedTables:
    """An app's tables with encrypted values: ``fn()`` returns ``core.rekey.EncryptedTable`` descriptions. A rotation
    and the re-encrypting migrations walk them by order (live rows before the snapshots that copy them)."""

    key: str
    fn: Callable[[], Iterable[Any]]
    order: int = 100


@dataclass(frozen=True)
class KeyUseHold:
    """Work that encrypts with the data key it started with (an import): ``fn(incident)`` says whether such work runs
    now; a data-key rotation does not start, nor retire the old key, while one does."""

    key: str
    label: Any
    fn: Callable[[Any], bool]
    order: int = 100


@dataclass(frozen=True)
class ShredCleaner:
    """Files an app keeps for an incident (uploads, error files, attachments): ``fn(incident_id)`` deletes them when
    the incident is shredded and returns how many it removed."""

    key: str
    fn: Callable[[int], int]
    order: int = 100


@dataclass(frozen=True)
class RecordGrant:
    """An object-level grant to read one person's record for a member whose role lacks ``PII_READ_RECORD``:
    ``fn(person_id, access, user)`` says yes when the app that owns the work names that person for that user (the
    desk: an engineer's own verified deletion task)."""

    key: str
    fn: Callable[[int, Any, Any], bool]
    order: int = 100


# --- Operations (read by core.health) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthProbe:
    """Work an app holds that ``health`` watches.

    ``progress(now, stall_before)`` returns the app's figures for the report's ``progress`` part, plus two flags that
    are taken out: ``due`` (work waits for a worker) and ``problem`` (it does not move, or a relay is down).
    ``needs_a_person()`` returns counts for the report's ``work`` part: rows a person must look at.
    """

    key: str
    progress: Callable[[Any, Any], dict[str, Any]]
    needs_a_person: Callable[[], dict[str, int]]
    order: int = 100


@dataclass(frozen=True)
class WorkerDuty:
    """Standing work every ``db_worker`` loop does after it looked for a task: ``fn(worker=<worker id>)`` does one
    bounded round and returns what it did (truthy ``sent``, ``failed``, ``fetched`` or ``resumed``: the loop does not
    sleep), or None when nothing was due. Any number of workers run it at once, so every claim must be conditional."""

    key: str
    fn: Callable[..., dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class WorkerRecovery:
    """Take back what dead workers held: ``fn(workers=<ids>, now=<datetime>)`` moves only rows carrying those
    workers' names and returns what it did; ``as_json`` turns that into the reaper's report under ``key``, where
    ``empty`` stands when no worker died."""

    key: str
    fn: Callable[..., Any]
    as_json: Callable[[Any], Any] = lambda value: value
    empty: Any = None
    order: int = 100


panels: Registry[Panel] = Registry("dashboard panels")
nav: Registry[NavEntry] = Registry("navigation entries")
dashboard_stamps: Registry[DashboardStamp] = Registry("dashboard stamps")
metrics: Registry[Metric] = Registry("metrics")
report_sections: Registry[ReportSection] = Registry("report sections")
readiness_checks: Registry[ReadinessCheck] = Registry("readiness checks")
audience_rules: Registry[AudienceRule] = Registry("audience rules")
person_sections: Registry[PersonSection] = Registry("person-page sections")
record_grants: Registry[RecordGrant] = Registry("person record grants")
link_hosts: Registry[LinkHosts] = Registry("link hosts")
public_page_gates: Registry[PublicPageGate] = Registry("public page gates")
encrypted_tables: Registry[EncryptedTables] = Registry("encrypted tables")
key_use_holds: Registry[KeyUseHold] = Registry("key use holds")
shred_cleaners: Registry[ShredCleaner] = Registry("shred cleaners")
health_probes: Registry[HealthProbe] = Registry("health probes")
worker_duties: Registry[WorkerDuty] = Registry("worker duties")
worker_recoveries: Registry[WorkerRecovery] = Registry("worker recoveries")
