from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def pages() -> Path:
    """The recorded article pages (replay/pages)."""
    return REPO / "replay" / "pages"


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The two real communiqués as text captures (tests/data/seeds)."""
    return REPO / "tests" / "data" / "seeds"
