"""A version (documents, fees, steps, questions, FAQ) for one bench service, so that the
catalogue's scenarios (bench/run.py) load a full service page and poster: the demo
catalogue's transcript entry (mithaq.demo.catalogue), in effect since a year ago."""

import datetime

from django.db import transaction
from django.utils import timezone


def give_version(service) -> None:
    from mithaq.demo.catalogue import ENTRIES, _make_version

    with transaction.atomic():
        _make_version(service, ENTRIES[0], timezone.localdate() - datetime.timedelta(days=365))
