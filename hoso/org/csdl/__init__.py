"""The CSDL ngành exchange: the sector database's Excel layouts (as data, hoso/org/data/csdl/),
the import's plan and preview, the all-or-nothing confirmation, the export, and who sees the
số định danh cá nhân whole. A sub-domain of org with the app skeleton (docs/conventions.md)."""
