"""Settings for `bench/http.py`: the project's own, with the two minimal DRF views of `bench/http_urls.py`
mounted beside its URLs (the baselines its paths are compared with, served by the same processes from the
same database)."""

from onestop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
