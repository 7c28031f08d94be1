"""Demo records: filled in by `register_demo_step` (see demo_data.py)."""

from __future__ import annotations

from hoso.org.demo import register_demo_step
from hoso.records.demo_batches import demo_batches_step
from hoso.records.demo_data import demo_homeroom_due_items, demo_records
from hoso.records.demo_types import demo_office_types

register_demo_step(demo_records, order=50)
register_demo_step(demo_office_types, order=55)  # the Sở's own type for its schools
register_demo_step(demo_batches_step, order=60)  # each principal batch-signed their queue
# After the gradebook demo (order 300) has named each class's GVCN.
register_demo_step(demo_homeroom_due_items, order=310)
