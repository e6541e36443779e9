"""Register the registry's parts of other screens: its navigation link, dashboard panel and the affected count."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from breachdesk.core import extensions

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident


def affected_persons(incident: Incident) -> int:
    """Return the people marked affected (the ``affected_persons`` metric)."""
    from breachdesk.registry.selectors import registry_counts_cached

    return int(registry_counts_cached(incident=incident)["affected"])


def import_running(incident: Incident) -> bool:
    """Tell whether an import job of the incident runs: it encrypts with the data key it started with."""
    from breachdesk.registry.models import ImportJob, JobStatus

    return ImportJob.objects.filter(incident=incident, status=JobStatus.RUNNING).exists()


def _encrypted_tables() -> list[Any]:
    from breachdesk.registry.rekey import encrypted_tables

    return list(encrypted_tables())


def _files_remove(incident_id: int) -> int:
    from breachdesk.registry.shred import registry_files_remove

    return int(registry_files_remove(incident_id))


def contribute() -> None:
    """Register the parts; called once from ``RegistryConfig.ready()``."""
    from breachdesk.registry.panels import registry_panel_context

    extensions.nav.register(
        extensions.NavEntry("registry", label=_("Registry"), url_name="registry:overview", order=30)
    )
    extensions.panels.register(
        extensions.Panel(
            "registry", template="registry/panel.html", context=registry_panel_context, order=20, cache_seconds=10
        )
    )
    extensions.metrics.register(extensions.Metric("affected_persons", affected_persons))
    extensions.shred_cleaners.register(extensions.ShredCleaner("registry", _files_remove, order=10))
    extensions.encrypted_tables.register(extensions.EncryptedTables("registry", _encrypted_tables, order=10))
    extensions.key_use_holds.register(extensions.KeyUseHold("registry_import", _("a registry import"), import_running))
