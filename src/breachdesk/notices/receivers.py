"""Receive other apps' signals: a changed desk answer block flags its FAQ entry; desk settings refresh the page."""

from __future__ import annotations

from typing import Any


def answer_block_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Flag the FAQ entries whose linked block now says something else."""
    from breachdesk.notices.services import faq_block_changed

    faq_block_changed(block=instance, actor="system")


def desk_config_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Bump the public page so that new desk hours or a new address show at once."""
    from breachdesk.notices.models import PublicPage
    from breachdesk.notices.services import public_page_bump

    if PublicPage.objects.filter(incident_id=instance.incident_id).exists():
        public_page_bump(incident=instance.incident)
