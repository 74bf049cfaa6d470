"""Hooks through which other apps may hold a dossier back from processing, without dossiers knowing
them (payments registers the fee gate of DOMAIN §3)."""

from collections.abc import Callable

_start_gates: list[Callable] = []


def register_start_gate(gate: Callable) -> Callable:
    """`gate(dossier)` returns None to let the dossier start, or the reason it may not, in words."""
    if gate not in _start_gates:
        _start_gates.append(gate)
    return gate


def start_refusal(dossier) -> str | None:
    for gate in _start_gates:
        reason = gate(dossier)
        if reason:
            return str(reason)
    return None
