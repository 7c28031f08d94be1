"""Background work of the books: a whole school's books for a term (huey; inline in tests).
Tasks take ids and are idempotent (a batch run twice skips what is done)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def run_book_batch(batch_id: int) -> None:
    from hoso.books.services.batches import book_batch_run

    book_batch_run(batch_id=batch_id)
