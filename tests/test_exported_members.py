"""``wiretrace.__all__`` is what the package really exports, no more and no less."""

from __future__ import annotations

from types import ModuleType

import pytest

import wiretrace
import wiretrace.tracing


def test_all_lists_every_public_name_and_nothing_else() -> None:
    # Most names are imported on first use (PEP 562): read every name dir() offers.
    public = {
        name
        for name in dir(wiretrace)
        if not name.startswith("_") and not isinstance(getattr(wiretrace, name), ModuleType)
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


def test_a_name_outside_the_api_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'tracing_options'"):
        wiretrace.tracing_options  # noqa: B018
    assert wiretrace.trace is wiretrace.tracing.trace  # the function, not its module
