"""Hooks through which other apps may hold a dossier back from an action, without dossiers knowing them
(payments registers the fee gates of DOMAIN §3: a full-online dossier is processed only once paid online,
and no result is handed back while a fee is owed)."""

from collections.abc import Callable

_start_gates: list[Callable] = []
_return_gates: list[Callable] = []


def _register(gates: list[Callable], gate: Callable) -> Callable:
    if gate not in gates:
        gates.append(gate)
    return gate


def _refusal(gates: list[Callable], dossier) -> str | None:
    for gate in gates:
        reason = gate(dossier)
        if reason:
            return str(reason)
    return None


def register_start_gate(gate: Callable) -> Callable:
    """`gate(dossier)` returns None to let the dossier start, or the reason it may not, in words."""
    return _register(_start_gates, gate)


def start_refusal(dossier) -> str | None:
    return _refusal(_start_gates, dossier)


def register_return_gate(gate: Callable) -> Callable:
    """`gate(dossier)` returns None to let the result be handed back, or the reason it may not, in words."""
    return _register(_return_gates, gate)


def return_refusal(dossier) -> str | None:
    return _refusal(_return_gates, dossier)
