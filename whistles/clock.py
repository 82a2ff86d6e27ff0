"""The whistles services' clock: the shared one in enforcement.clock (see there why it is shared)."""

from enforcement.clock import at, now, today

__all__ = ["at", "now", "today"]
