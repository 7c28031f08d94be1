"""Pages of the families app: the parent's (parent.py), the public redeem page (redeem.py),
the school's class pages (school.py)."""
