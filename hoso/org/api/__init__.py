"""The org API: units and people (people.py), imports of staff and students (imports.py)."""
