"""Run a real Dovecot IMAP server (STARTTLS, self-signed certificate) for one test, and an SMTP front that delivers
into its Maildir, the way an MTA would.

Use the ``dovecot`` fixture; ``MaildirDelivery`` is an aiosmtpd handler that stores what arrives in that Maildir.
"""

from __future__ import annotations

import getpass
import grp
import mailbox
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from breachdesk.testing.fixtures import require_tool
from breachdesk.testing.tls import self_signed_certificate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _accounts() -> tuple[str, str, str, int, int]:
    """Return the login user, internal user and group, and the mail uid/gid.

    Dovecot refuses to run its login processes as root: under root (CI containers) it uses the Debian package's
    ``dovenull`` and ``dovecot`` users, otherwise the current user for everything.
    """
    if os.getuid() != 0:
        return getpass.getuser(), getpass.getuser(), grp.getgrgid(os.getgid()).gr_name, os.getuid(), os.getgid()
    import pwd

    internal = pwd.getpwnam("dovecot")
    return "dovenull", "dovecot", grp.getgrgid(internal.pw_gid).gr_name, internal.pw_uid, internal.pw_gid


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    if os.getuid() != 0:
        return
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid)


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[dict[str, Any]]:
    import shutil
    import tempfile

    binary = require_tool("/usr/sbin/dovecot", "IMAP intake tests")
    login_user, user, group, uid, gid = _accounts()
    port = free_port()
    cert, key = self_signed_certificate(tmp_path)
    # The mail home must be reachable by the mail user; pytest's tmp_path is private to the test runner.
    home = Path(tempfile.mkdtemp(prefix="breachdesk-dovecot-"))
    home.chmod(0o755)
    maildir = home / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    # The auth process reads the password file as the internal user, so it lives next to the mail too.
    (home / "passwd").write_text(f"desk:{{PLAIN}}desk-password:{uid}:{gid}::{home}::\n")
    _chown_tree(home, uid, gid)
    config = tmp_path / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {tmp_path}/run
state_dir = {tmp_path}/state
log_path = {tmp_path}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain
mail_location = maildir:{maildir}
first_valid_uid = {uid}
last_valid_uid = {uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {home}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
    )
    command = [binary, "-F", "-c", str(config)]  # our own binary path and config file
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        log = (tmp_path / "dovecot.log").read_text() if (tmp_path / "dovecot.log").exists() else ""
        output = process.stdout.read().decode(errors="replace") if process.stdout else ""
        pytest.fail(f"dovecot did not start: {output} {log}")
    try:
        yield {"port": port, "ca": str(cert), "maildir": maildir, "uid": uid, "gid": gid}
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


class MaildirDelivery:
    """Deliver what arrives by SMTP into the Maildir that Dovecot serves (the MTA's job)."""

    def __init__(self, maildir: Path, uid: int, gid: int) -> None:
        self.maildir, self.uid, self.gid = maildir, uid, gid
        self.box = mailbox.Maildir(maildir, create=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.box.add(envelope.original_content or envelope.content)
        _chown_tree(self.maildir, self.uid, self.gid)
        return "250 delivered"
