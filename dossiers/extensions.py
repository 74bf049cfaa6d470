"""Sections that other apps add to a dossier's detail and tracking answers, without dossiers knowing them
(payments adds "payment"). A section is `fn(dossier, *, public) -> dict | None`; `public` is True on the
tracking page, where no personal data or officer names may appear."""

from collections.abc import Callable

_sections: dict[str, Callable] = {}


def register_section(name: str, section: Callable) -> None:
    _sections[name] = section


def section(name: str, dossier, *, public: bool) -> dict | None:
    found = _sections.get(name)
    return found(dossier, public=public) if found else None
