"""Every write of the records app, one module per area: `versions` (uploads, comments, file
audit), `deletion`, `record_types`, `chain_settings`, `workflow` (review, signing steps, issue),
`deadlines` (due items), `reminders`, `renditions` (derived files) and `remote_signing` (records
as a source of ký số từ xa)."""
