"""What other apps add to a dossier's answers and screens, without dossiers knowing them (payments adds
both, as "payment").

A section is `fn(dossier, *, public) -> dict | None`, added to the detail and tracking answers; `public` is
True on the tracking page, where no personal data or officer names may appear. A card is a template of the
app's own shown on the officers' dossier screen, with the context `fn(request, dossier, extra)` answers
(None: no card); `extra` is what a form of that app refused, to show again as typed. What a list of dossiers
still owes is answered by the app that keeps the money (`outstanding`), for a whole list at once."""

from collections.abc import Callable

_sections: dict[str, Callable] = {}
_cards: dict[str, tuple[str, Callable]] = {}
_outstanding: list[Callable] = []


def register_section(name: str, section: Callable) -> None:
    _sections[name] = section


def section(name: str, dossier, *, public: bool) -> dict | None:
    found = _sections.get(name)
    return found(dossier, public=public) if found else None


def register_card(name: str, *, template: str, context: Callable) -> None:
    _cards[name] = (template, context)


def officer_cards(request, dossier, extra: dict | None = None) -> list[dict]:
    """The cards to show, in the order they were registered: {"template", "context"} each."""
    found = []
    for template, context in _cards.values():
        answered = context(request, dossier, extra or {})
        if answered is not None:
            found.append({"template": template, "context": answered})
    return found


def register_outstanding(fn: Callable) -> None:
    """`fn(dossiers) -> {dossier key: amount still owed}`, for a list of dossiers in a few queries."""
    _outstanding[:] = [fn]


def outstanding(dossiers) -> dict[int, int]:
    """What each of `dossiers` still owes (those owing nothing may be left out); nothing without payments."""
    return _outstanding[0](dossiers) if _outstanding and dossiers else {}
