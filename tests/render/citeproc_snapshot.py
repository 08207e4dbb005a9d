"""Run alone (``python citeproc_snapshot.py``): print, as JSON, every citeproc-py class member and
module function that citekb's adapter changes, found by comparing citeproc-py before and after
``adapt_citeproc()`` in a fresh interpreter. The adapter's own ``_citekb_*`` flags are left out."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from typing import Any

import citeproc


def snapshot() -> dict[tuple[str, str, str], Any]:
    out: dict[tuple[str, str, str], Any] = {}
    for info in pkgutil.walk_packages(citeproc.__path__, "citeproc."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue
        short = info.name.removeprefix("citeproc.")
        for name, value in list(vars(module).items()):
            if inspect.isclass(value) and value.__module__ == module.__name__:
                for attr, member in list(vars(value).items()):
                    out[(short, name, attr)] = member
            elif inspect.isfunction(value):
                out[(short, "", name)] = value
    return out


if __name__ == "__main__":
    before = snapshot()
    from citekb.render.csl_adapter import adapt_citeproc

    adapt_citeproc()
    changed = [
        key
        for key, member in snapshot().items()
        if before.get(key) is not member and not key[2].startswith("_citekb")
    ]
    print(json.dumps(sorted(changed)))
