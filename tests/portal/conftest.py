"""A simulated portal served from a thread of the test process (the integration tests run it as a
process of its own), and the sync settings pointed at it."""

import pytest

from portal import client as portal_client_module
from portal import conf, mapping, payloads
from portal.simulator import PortalSimulator

# Our state (with the pause reason) → the national code the portal must end up holding, written out
# here rather than read from the mapping under test.
NATIONAL = {
    ("submitted", ""): 1,
    ("received", ""): 2,
    ("rejected", ""): 3,
    ("processing", ""): 4,
    ("supplement", ""): 5,
    ("paused", "financial"): 6,
    ("paused", "verification"): 4,
    ("withdrawn", ""): 7,
    ("stopped", ""): 8,
    ("resolved", ""): 9,
    ("returned", ""): 10,
}


@pytest.fixture(autouse=True)
def _fresh_portal_caches():
    mapping.invalidate_mapping()
    payloads._fields.clear()
    portal_client_module._client = None
    yield
    mapping.invalidate_mapping()
    portal_client_module._client = None


@pytest.fixture
def portal_sim(tmp_path, settings):
    sim = PortalSimulator(
        db_path=str(tmp_path / "portal.sqlite3"),
        port=0,
        username=settings.PORTAL_USERNAME,
        password=settings.PORTAL_PASSWORD,
        secret=conf.SIGNING_SECRET,
        seed=7,
    ).start_in_thread()
    settings.PORTAL_URL = sim.url
    yield sim
    sim.stop()


@pytest.fixture
def fast_retries(monkeypatch):
    """Backoff and breaker timings short enough for a test to wait them out."""
    monkeypatch.setattr(conf, "BACKOFF_BASE", 0.01)
    monkeypatch.setattr(conf, "BACKOFF_MAX", 0.05)
    monkeypatch.setattr(conf, "BREAKER_COOLDOWN", 0.2)
    monkeypatch.setattr(conf, "BREAKER_THRESHOLD", 3)
    monkeypatch.setattr(conf, "MAX_ATTEMPTS", 3)
