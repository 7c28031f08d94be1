"""The file picker every upload form uses: `{% file_field "file" label="Tệp" required=True %}`.

The browser's own face of <input type=file> speaks the browser's language ("Choose File / No
file chosen"); ours is a Vietnamese button and drop zone drawn over the real input, which stays
in the page (visually hidden, focusable, named by its label) so that keyboards, screen readers
and a browser without scripts still use it. hoso.js fills in the chosen file's name and size
and accepts a dropped file. Each picker of a page gets its own id."""

from __future__ import annotations

import re
from typing import Any

from django import template

register = template.Library()

_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")


@register.inclusion_tag("core/_file_field.html", takes_context=True)
def file_field(
    context: Any,
    name: str,
    *,
    label: str,
    required: bool = False,
    accept: str = "",
    hint: str = "",
) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "required": required,
        "accept": accept,
        "hint": hint,
        "id": _unique_id(context.get("request"), _NOT_ID.sub("-", f"tep-{name}")),
    }


def _unique_id(request: Any, base: str) -> str:
    """`base`, or `base-2`, `base-3`… for the second and later pickers of one page (a form per
    due item): the label must point at its own input."""
    if request is None:
        return base
    taken: set[str] = request.__dict__.setdefault("_hoso_field_ids", set())
    found, number = base, 1
    while found in taken:
        number += 1
        found = f"{base}-{number}"
    taken.add(found)
    return found
