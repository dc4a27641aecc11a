"""The site-wide tests use the same personas as the apps' tests."""

from mithaq.conftest import _fresh_clock_config, case_a, login, org  # noqa: F401
