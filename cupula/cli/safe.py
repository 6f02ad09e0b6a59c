"""Values from the store, shown on a terminal as they are.

Names, notes, purposes and queries are partners' words: rich would read ``[bold]`` in
them as markup, and a terminal would obey escape sequences (clear the screen, forge a
link). ``shown`` makes a value plain text with every control character replaced.
"""

from __future__ import annotations

import re

from rich.text import Text

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: object) -> str:
    """``value`` as text, every control character but newline and tab replaced."""
    return CONTROL.sub("\ufffd", str(value))


def shown(value: object, style: str = "") -> Text:
    """``value`` as rich text that no markup or escape sequence in it can change."""
    return Text(plain(value), style=style)
