from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def pages() -> Path:
    """The recorded article pages (replay/pages)."""
    return REPO / "replay" / "pages"


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The two real communiqués as text captures (read-only shared material)."""
    for path in (REPO.parent / "shared" / "seeds", Path("/work/shared/seeds")):
        if path.is_dir():
            return path
    pytest.skip("shared seeds are not available")
