"""Shared fixtures: where the read-only shared data lives, and real news texts."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"


def require_shared(*parts: str) -> Path:
    """The path under ../shared/data, or skip: that folder exists in CI, not on users' machines."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the project's shared data folder, present in CI)")
    return path


@pytest.fixture(scope="session")
def bbc_articles() -> list[dict[str, str]]:
    path = require_shared("bbc-news", "bbc_news.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line, _ in zip(fh, range(300), strict=False)]
