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


def test_the_demo_kiosk_link_is_printed_when_load_demo_left_one(tmp_path, org):
    """`make run` prints the one-time link load_demo made; it resolves to the view that
    enrols the browser as a kiosk (mithaq.walkin.kiosk)."""
    run = _run_module()
    assert run.demo_kiosk_link(tmp_path / "none") == ()
    saved = tmp_path / "demo-kiosk-link"
    saved.write_text("/hall/registrar-hall/kiosk/enrol/abc123/\n")
    extra = run.demo_kiosk_link(saved)
    text = run.links("127.0.0.1", 8123, extra)
    assert text.splitlines()[-1].split()[-1] == (
        "http://127.0.0.1:8123/hall/registrar-hall/kiosk/enrol/abc123/"
    )
    assert resolve("/hall/registrar-hall/kiosk/enrol/abc123/").url_name == "kiosk_enrol_link"
