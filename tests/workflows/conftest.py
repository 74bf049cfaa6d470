"""Fixtures shared by the calendar and clock tests."""

import pytest

from workflows.calendar import calendar_for


@pytest.fixture
def province(db):
    """The province-wide calendar: default counter hours, national holidays."""
    return calendar_for(None)
