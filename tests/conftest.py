"""The site-wide tests use the same personas as the apps' tests."""

from mithaq.conftest import case_a, login, org  # noqa: F401
