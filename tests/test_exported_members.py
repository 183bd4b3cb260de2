"""``wiretrace.__all__`` is what the package really exports, no more and no less."""

from __future__ import annotations

from types import ModuleType

import wiretrace


def test_all_lists_every_public_name_and_nothing_else() -> None:
    public = {
        name
        for name, value in vars(wiretrace).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert set(wiretrace.__all__) == public
    assert len(wiretrace.__all__) == len(set(wiretrace.__all__))


def test_every_exported_name_is_defined_in_the_package() -> None:
    for name in wiretrace.__all__:
        value = getattr(wiretrace, name)
        module = getattr(value, "__module__", None)
        if module is None:  # a constant: it has no home module of its own
            continue
        assert module.split(".")[0] == "wiretrace", (name, module)
