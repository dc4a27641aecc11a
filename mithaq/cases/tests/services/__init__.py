"""Every change to a case, tested at the service (`mithaq.cases.services`): the transition
table, the one event each change writes, and what a refused change leaves behind (nothing:
no row, no event, no file). One file per group of services; shared helpers in conftest.py."""
