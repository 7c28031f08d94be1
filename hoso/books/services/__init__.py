"""Every write of the books app, one module per area: `issue` (generate a book and issue it as
a record), `batches` (a whole school's books for a term in the background) and `particulars`
(filling what a student's books lack)."""
