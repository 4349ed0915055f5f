"""Where each configuration file comes from, and the one way every YAML file is read.

Configuration is data (YAML files); secrets never live here, only connection ids. The
packaged defaults sit in `coalition_watch/config/`; a deployment points
COALITION_WATCH_CONFIG_DIR at its own directory, and any file it holds replaces the
packaged file of the same name (`templates/` there is searched before the packaged
templates). Files are located when they are loaded, never at import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from coalition_watch.errors import ConfigError
from coalition_watch.settings import current

PACKAGED_CONFIG = Path(__file__).parent / "config"
Loaded = TypeVar("Loaded")


def config_path(name: str) -> Path:
    """The deployment's file `name` if it has one, else the packaged default."""
    override = current().config_dir
    if override is not None and (override / name).exists():
        return override / name
    return PACKAGED_CONFIG / name


def load_config(name: str, path: Path | str | None, build: Callable[[Path], Loaded]) -> Loaded:
    """`build(path)`; without a path, `build` of the deployment's or packaged file `name`,
    built once per file (a deployment switching COALITION_WATCH_CONFIG_DIR gets its own)."""
    if path is not None:
        return build(Path(path))
    return _built_once(build, config_path(name))


@cache
def _built_once(build: Callable[[Path], Loaded], path: Path) -> Loaded:
    return build(path)


def read_yaml(path: Path | str) -> Any:
    """The parsed content of one YAML file (None when empty).

    Every failure is a ConfigError naming the file: missing, unreadable, not YAML, or a
    key given twice in one mapping (plain YAML would silently keep the last one).
    """
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(file, None, "file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(file, None, "not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(file, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.load(text, Loader=_strict_loader())  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise ConfigError(file, None, f"not valid YAML: {_one_line(exc)}") from None


def read_mapping(path: Path | str, known: Iterable[str]) -> dict[str, Any]:
    """A YAML file that must be a mapping of `known` keys (an empty file: no keys)."""
    file = str(path)
    data = read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(file, None, "expected a mapping at the top level")
    if unknown := sorted(set(data) - set(known)):
        raise ConfigError(file, unknown[0], f"unknown key; known: {', '.join(sorted(known))}")
    return data


@cache
def _strict_loader() -> type:
    """A safe loader (libyaml's when installed: several times faster) refusing duplicate keys."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


def _one_line(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"{problem} (line {mark.line + 1})" if mark else problem
