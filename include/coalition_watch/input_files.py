"""Files a user names on the command line: read whole, or refused in one line saying why.

The checks every command needs before it parses anything: the file exists and is a file,
is no larger than a fetched page may be (fetch's cap: a 50 MB file would take minutes and
gigabytes to extract), is not empty, and holds text rather than binary data.
"""

from __future__ import annotations

from pathlib import Path

from coalition_watch.errors import BadInput

# Text has almost no C0 control characters besides tab, newline, form feed and carriage
# return; random or compressed bytes have about one in eight. A page with more than one in
# a hundred is not a page.
_TEXT_CONTROLS = {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
_MAX_CONTROL_SHARE = 0.01
_SAMPLE = 64 * 1024


def read_input_file(path: Path) -> bytes:
    """The bytes of `path`; BadInput naming the file when it cannot be a statement."""
    from coalition_watch.fetch import MAX_BODY_BYTES  # imported here: fetch loads requests

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except OSError as error:
        raise BadInput(f"{path}: cannot read: {error.strerror or error}") from None
    if path.is_dir():
        raise BadInput(f"{path}: is a directory, not a file")
    if size > MAX_BODY_BYTES:
        raise BadInput(
            f"{path}: {size / 1e6:.1f} MB, larger than the {MAX_BODY_BYTES // 2**20} MB "
            "a statement page may be"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadInput(f"{path}: cannot read: {error.strerror or error}") from None
    if not data.strip():
        raise BadInput(f"{path}: file is empty")
    if looks_binary(data):
        raise BadInput(f"{path}: binary file, not a page or a text")
    return data


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or more control characters than any text has, in the first 64 KiB."""
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > _MAX_CONTROL_SHARE * len(sample)
