"""A simulated national portal: its own HTTP process and its own SQLite store (not the Django database),
with session-token auth, the sync and progress endpoints, look-ups, and fault injection."""

from .server import Faults, PortalSimulator

__all__ = ["Faults", "PortalSimulator"]
