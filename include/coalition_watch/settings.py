"""Where configuration comes from: packaged defaults, overridden by a deployment.

Configuration is data (YAML files); secrets never live here, only connection ids.
A deployment points COALITION_WATCH_CONFIG_DIR at its own directory; any file it
holds replaces the packaged file of the same name.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGED_CONFIG = Path(__file__).parent / "config"
CONFIG_DIR_ENV = "COALITION_WATCH_CONFIG_DIR"
# When set, every http(s) request goes to this local replay server instead (demo, tests).
REPLAY_URL_ENV = "COALITION_WATCH_REPLAY_URL"
# The recorded archive a backfill may load pages from (`replay_file`); default: the
# repository's replay/ folder, when the package runs from a checkout.
REPLAY_ROOT_ENV = "COALITION_WATCH_REPLAY_ROOT"
CHECKOUT_REPLAY_ROOT = Path(__file__).resolve().parents[2] / "replay"


def config_path(name: str) -> Path:
    """The deployment's file `name` if it has one, else the packaged default."""
    override = os.environ.get(CONFIG_DIR_ENV)
    # exists, not is_file: a directory in its place is a mistake to report, not to skip
    if override and (Path(override) / name).exists():
        return Path(override) / name
    return PACKAGED_CONFIG / name


def replay_root() -> Path | None:
    """The replay archive's folder, or None when this installation has none."""
    configured = os.environ.get(REPLAY_ROOT_ENV, "").strip()
    if configured:
        return Path(configured)
    return CHECKOUT_REPLAY_ROOT if CHECKOUT_REPLAY_ROOT.is_dir() else None
