"""Requests per second over HTTP where people wait, beside a bare DRF baseline: `python bench/http.py --help`
(the benchmark itself is `http_bench.py`).

This file's name is also the standard library's `http`. Every script of this directory has the directory first
on its path, so `import http` (Django and urllib do) finds this file: imported under that name, it puts the
library's package in its place, and the scripts work as if it were not here.
"""

import importlib.machinery
import importlib.util
import os
import sys

if __name__ == "__main__":
    from http_bench import main

    main()
else:
    _here = os.path.dirname(os.path.abspath(__file__))
    _path = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    _spec = importlib.machinery.PathFinder.find_spec(__name__, _path)
    _library = importlib.util.module_from_spec(_spec)
    sys.modules[__name__] = _library
    _spec.loader.exec_module(_library)
