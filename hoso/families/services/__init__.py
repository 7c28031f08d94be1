"""Writes of the families app, one module per area: contacts, invitations, consent."""
