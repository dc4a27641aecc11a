"""A throwaway Dovecot (Debian's dovecot-imapd) on loopback, for the mailbox's tests and
bench/intake.py: one user, `office`, with PASSWORD, its mail in a temporary folder."""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "throwaway-secret"  # noqa: S105 - a test server's


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_dovecot() -> Iterator[int]:
    """Start Dovecot, yield its IMAP port, stop it and remove its files."""
    root = Path(tempfile.mkdtemp(prefix="mithaq-dovecot-"))
    root.chmod(0o755)
    (root / "mail").mkdir(mode=0o777)
    (root / "mail").chmod(0o777)
    if os.geteuid() == 0:
        owner, login, internal = pwd.getpwnam("dovecot"), "dovenull", "dovecot"
    else:
        owner = pwd.getpwuid(os.geteuid())
        login = internal = owner.pw_name
    port = free_port()
    (root / "users").write_text(
        f"office:{{PLAIN}}{PASSWORD}:{owner.pw_uid}:{owner.pw_gid}::{root}/mail/office\n"
    )
    (root / "dovecot.conf").write_text(
        f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
default_login_user = {login}
default_internal_user = {internal}
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = {root}/users
}}
userdb {{
  driver = passwd-file
  args = {root}/users
}}
mail_location = maildir:~/Maildir
first_valid_uid = 1
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""
    )
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")])
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"dovecot did not start: {log}") from None
            time.sleep(0.1)
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
