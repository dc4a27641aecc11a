"""Find uv, installing it into .tools/ if need be, then run it: `python3 scripts/bootstrap_uv.py sync`.

Only the standard library is used, so a machine with nothing but `python3` and `make` can set
itself up. Tried in order: `uv` on PATH, the `uv` Python package (`python3 -m uv`), a uv
already in .tools/, `pip install --target .tools/pip uv`, and, when pip is missing (Debian's
python3 ships without it), the uv wheel downloaded from the package index's JSON API and
unpacked by hand. With no arguments it prints the command it would run.
"""

import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
LOCAL_UV = TOOLS / "bin" / "uv"
PIP_TARGET = TOOLS / "pip"
INDEX_JSON = os.environ.get("MITHAQ_UV_INDEX_JSON", "https://pypi.org/pypi/uv/json")


def say(message: str) -> None:
    print(f"bootstrap_uv: {message}", file=sys.stderr, flush=True)


def works(command: list[str]) -> bool:
    try:
        result = subprocess.run(  # noqa: S603 - our own fixed commands
            [*command, "--version"], capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def find_uv() -> list[str] | None:
    on_path = shutil.which("uv")
    if on_path and works([on_path]):
        return [on_path]
    if importlib.util.find_spec("uv") is not None and works([sys.executable, "-m", "uv"]):
        return [sys.executable, "-m", "uv"]
    for candidate in (LOCAL_UV, PIP_TARGET / "bin" / "uv"):
        if candidate.exists() and works([str(candidate)]):
            return [str(candidate)]
    return None


def install_with_pip() -> list[str] | None:
    if importlib.util.find_spec("pip") is None:
        return None
    say("installing uv with pip into .tools/pip")
    # --target keeps uv out of the system and the user's site-packages, and is allowed
    # where the system Python is marked externally managed.
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "--upgrade",
            "--target",
            str(PIP_TARGET),
            "uv",
        ],
        check=False,
        env={**os.environ, "PIP_ROOT_USER_ACTION": "ignore"},
    )
    binary = PIP_TARGET / "bin" / "uv"
    if result.returncode == 0 and binary.exists() and works([str(binary)]):
        return [str(binary)]
    say("pip could not install uv; trying the wheel directly")
    return None


def glibc_version() -> tuple[int, int] | None:
    name, version = platform.libc_ver()
    if name != "glibc" or not version:
        return None
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def wheel_fits(filename: str) -> bool:
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    if sys.platform.startswith("linux"):
        libc = glibc_version()
        if libc is None:
            return False
        for tag in filename[:-4].split("-")[-1].split("."):
            found = re.fullmatch(r"manylinux_(\d+)_(\d+)_(.+)", tag)
            if found and found.group(3) == machine:
                return (int(found.group(1)), int(found.group(2))) <= libc
        return False
    if sys.platform == "darwin":
        wanted = "arm64" if machine == "aarch64" else "x86_64"
        return "macosx" in filename and filename.endswith(f"_{wanted}.whl")
    return False


def install_from_wheel() -> list[str]:
    say("downloading the uv wheel from the package index")
    with urllib.request.urlopen(INDEX_JSON, timeout=60) as response:  # noqa: S310 - fixed https URL
        release = json.load(response)
        base_url = response.geturl()
    wheels = [
        file
        for file in release["urls"]
        if file["packagetype"] == "bdist_wheel" and wheel_fits(file["filename"])
    ]
    if not wheels:
        raise SystemExit(f"bootstrap_uv: no uv wheel for {sys.platform} {platform.machine()}")
    wheel = wheels[0]
    # Mirrors may answer with URLs relative to the JSON document.
    wheel_url = urllib.parse.urljoin(base_url, wheel["url"])
    with urllib.request.urlopen(wheel_url, timeout=300) as response:  # noqa: S310
        payload = response.read()
    if hashlib.sha256(payload).hexdigest() != wheel["digests"]["sha256"]:
        raise SystemExit("bootstrap_uv: the downloaded uv wheel does not match its checksum")
    LOCAL_UV.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as spool:
        spool.write(payload)
        spool.seek(0)
        with zipfile.ZipFile(spool) as archive:
            for member in archive.namelist():
                if re.fullmatch(r"uv-[^/]+\.data/scripts/(uv|uvx)", member):
                    target = LOCAL_UV.parent / member.rsplit("/", 1)[1]
                    target.write_bytes(archive.read(member))
                    target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    if not works([str(LOCAL_UV)]):
        raise SystemExit("bootstrap_uv: the unpacked uv does not run")
    say(f"uv {release['info']['version']} is in {LOCAL_UV.relative_to(ROOT)}")
    return [str(LOCAL_UV)]


def main() -> None:
    command = find_uv() or install_with_pip() or install_from_wheel()
    if len(sys.argv) == 1:
        print(" ".join(command))
        return
    sys.stdout.flush()
    os.execv(command[0], [*command, *sys.argv[1:]])  # noqa: S606


if __name__ == "__main__":
    main()
