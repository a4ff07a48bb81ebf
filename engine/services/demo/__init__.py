"""Demo data for ``ventanilla demo``: staff accounts and fictitious cases lived on a simulated clock."""

from .companies import accounts
from .content import SURNAMES
from .simulation import load_demo
from .staff import PASSWORD, USERS

__all__ = ["PASSWORD", "SURNAMES", "USERS", "accounts", "load_demo"]
