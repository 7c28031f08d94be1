"""Public face of the policy module: `can`, `visible`, `get_or_404`."""

from hoso.core.errors import NOT_FOUND_MESSAGE
from hoso.policy.registry import can, get_or_404, register, visible

__all__ = ["NOT_FOUND_MESSAGE", "can", "get_or_404", "register", "visible"]
