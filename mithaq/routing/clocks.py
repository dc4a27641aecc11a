"""The charter's clocks on each case (issue #4: being built)."""


def case_event_recorded(*, case, event) -> None:
    """Called inside the transaction of every case event (see cases.services._record)."""
