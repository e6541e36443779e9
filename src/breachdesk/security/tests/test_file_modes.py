"""Files that hold personal data (or its ciphertext) are private: 0600 files in 0700 directories."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from breachdesk.inquiries.models import Attachment
from breachdesk.registry import services as registry
from breachdesk.testing.fixtures import World


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_wal_are_created_0600(tmp_path: Path) -> None:
    env = {**os.environ, "BREACHDESK_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    script = (
        "import django; django.setup();"
        "from django.db import connection; connection.ensure_connection();"
        "c = connection.cursor(); c.execute('CREATE TABLE t (x int)'); c.execute('INSERT INTO t VALUES (1)')"
    )
    subprocess.run(
        [sys.executable, "-c", script], check=True, env={**env, "DJANGO_SETTINGS_MODULE": "breachdesk.settings"}
    )
    database = tmp_path / "breachdesk.sqlite3"
    assert _mode(database) == 0o600
    for extra in ("breachdesk.sqlite3-wal", "breachdesk.sqlite3-shm"):
        if (tmp_path / extra).exists():
            assert _mode(tmp_path / extra) == 0o600


@pytest.mark.django_db
def test_uploads_and_attachments_are_0600_in_0700_directories(world: World) -> None:
    upload = SimpleUploadedFile("m.csv", b"member_id\r\nX-1\r\n")
    path = registry.upload_store(incident=world.incident, upload=upload)
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    attachment = Attachment.objects.filter(incident=world.incident).exclude(stored_path="").first()
    assert attachment is not None
    stored = Path(settings.MEDIA_ROOT) / attachment.stored_path
    assert _mode(stored) == 0o600
    assert _mode(stored.parent) == 0o700
