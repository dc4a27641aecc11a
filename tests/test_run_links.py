"""`make run` prints the links a person opens first, with the port it serves on."""

import importlib.util
from pathlib import Path

from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent


def _run_module():
    spec = importlib.util.spec_from_file_location("scripts_run", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_links_carry_the_port_served():
    text = _run_module().links("127.0.0.1", 8123)
    lines = text.splitlines()
    assert len(lines) == 5
    assert lines[0].split() == ["Citizens'", "portal", "http://127.0.0.1:8123/"]
    assert "http://127.0.0.1:8123/staff/login/" in text and "http://127.0.0.1:8123/admin/" in text


def test_every_printed_link_is_a_page_of_the_site():
    for _label, path in _run_module().LINKS:
        resolve(path)  # raises Resolver404 for an address the site does not serve
