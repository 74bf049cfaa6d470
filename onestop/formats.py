"""Formats shared by the apps and the simulators (no Django needed)."""


def vnd(amount: int) -> str:
    """An amount of đồng as Vietnamese write it: 1.250.000."""
    return f"{int(amount):,}".replace(",", ".")
