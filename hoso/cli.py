"""The `hoso` console command: Django's management commands under a friendly name.

hoso demo            reset and load the demo province
hoso audit verify    check the audit hash chain (and its time-stamp anchors)
hoso audit anchor    time-stamp the audit head now (the TSA of signing)
hoso import staff FILE.xlsx --school th1
hoso migrate / runserver / …   any management command
"""

from __future__ import annotations

import os
import sys

# Two-word commands map onto one management command each.
_ALIASES = {("audit", "verify"): ["audit_verify"], ("audit", "anchor"): ["audit_anchor"]}


def translate(argv: list[str]) -> list[str]:
    if len(argv) >= 2 and (argv[0], argv[1]) in _ALIASES:
        return _ALIASES[(argv[0], argv[1])] + argv[2:]
    if argv and argv[0] == "import":
        return ["import_xlsx", *argv[1:]]
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hoso", *translate(sys.argv[1:])])


if __name__ == "__main__":
    main()
