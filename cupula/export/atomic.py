"""Write an export to its file all at once: the whole export, or nothing.

The export is written to a temporary file in the same folder (so the final rename stays
on one file system and is atomic) and renamed over the target only when it is
complete. A failed export (refused purpose, an error half way) leaves neither a
truncated file nor an empty one, and an earlier export at that path stays as it was.
The temporary file is created readable by its owner only, as marked data should be,
and the export keeps that mode.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def atomic_output(path: Path) -> Iterator[TextIO]:
    """A text file that becomes ``path`` when the block ends without an error.

    A path that is not a regular file (``/dev/stdout``, a named pipe) is written to as
    it is: it cannot be replaced, and must not be. A link to a file is followed, so the
    file it names is replaced, not the link.
    """
    if path.exists() and not path.is_file():
        with path.open("w", encoding="utf-8", newline="") as out:
            yield out
        return
    path = path.resolve() if path.is_symlink() else path
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write {path}: there is no folder {folder}")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
