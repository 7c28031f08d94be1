from __future__ import annotations

from typing import Any

from django import template

from hoso.accounts.sso.csp import allow_sign_in_to
from hoso.accounts.sso.selectors import enabled_providers

register = template.Library()


@register.inclusion_tag("accounts/_sso_buttons.html", takes_context=True)
def sso_buttons(context: Any, next_url: str = "") -> dict[str, Any]:
    """The province's sign-in buttons: only those a Sở enabled (its name under each button when
    the installation serves several provinces)."""
    providers = enabled_providers()
    request = context.get("request")
    if request is not None:
        allow_sign_in_to(request, providers)
    return {
        "providers": providers,
        "several": len({p.province_id for p in providers}) > 1,
        "next": next_url,
        "csrf_token": context.get("csrf_token"),
    }
