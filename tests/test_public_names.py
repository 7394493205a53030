"""The public names: `talkover_async.models` re-exports exactly its area modules' `__all__`
(its own list is literal for type checkers, so it must not drift), and `talkover_async`
re-exports every model."""

from __future__ import annotations

import importlib
import pkgutil

import talkover_async
from talkover_async import models


def test_models_all_is_the_union_of_the_area_modules() -> None:
    areas = [
        importlib.import_module(f"{models.__name__}.{info.name}")
        for info in pkgutil.iter_modules(models.__path__)
    ]
    listed = [name for area in areas for name in area.__all__]
    assert len(listed) == len(set(listed))  # no model is exported by two areas
    assert sorted(models.__all__) == sorted(listed)
    for area in areas:
        for name in area.__all__:
            assert getattr(models, name) is getattr(area, name)


def test_package_reexports_every_model() -> None:
    assert len(talkover_async.__all__) == len(set(talkover_async.__all__))
    assert set(models.__all__) <= set(talkover_async.__all__)
    for name in talkover_async.__all__:
        assert hasattr(talkover_async, name), name
    for name in models.__all__:
        assert getattr(talkover_async, name) is getattr(models, name)
