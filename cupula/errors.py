"""cupula's own errors: the ones whose message is written for the person who asked.

The HTTP error map (``cupula.http.errors``) and the CLI's (``cupula.cli.session``) show
these, and only these, to the user with their message. Anything else raised while serving
a request is a bug or an environment failure (a file error, a driver error): the user gets
a generic message and an error id, the server log gets the traceback under that id.

Each class also derives from the builtin exception that code and tests caught before
(``ValueError``, ``PermissionError``, ``LookupError``), so an ``except ValueError`` still
catches an ``InvalidInput``; the reverse is what changed: a builtin ``ValueError`` is no
longer shown to the user as if it were one of ours.
"""

from __future__ import annotations


class CupulaError(Exception):
    """An error reported to the user as it is: its message says what to do."""


class InvalidInput(CupulaError, ValueError):
    """A request, option or value the user gave that cannot be used as given."""


class Refused(CupulaError, PermissionError):
    """The policy refuses this to this user (not allowed, not this agency's, no CSRF…)."""


class TooManyAttempts(Refused):
    """Too many failed logins; try again later."""


class NotFound(CupulaError, LookupError):
    """No such thing among what the user may see (also when it exists but is hidden: the
    answer must be the same)."""


class NotReady(CupulaError, LookupError):
    """The store does not hold what this needs yet (e.g. no resolution run)."""


class BeingComputed(CupulaError, LookupError):
    """A whole-network result of the reader's view is not computed yet (``precompute``):
    the answer says so, with the progress, instead of making the reader wait minutes."""

    def __init__(self, what: str, done: int, total: int, *, retry_after: int = 60) -> None:
        progress = f" ({done} of {total} views done)" if total else ""
        super().__init__(
            f"the {what} of your view is being computed{progress}; try again in a minute"
        )
        self.what = what
        self.done = done
        self.total = total
        self.retry_after = retry_after  # seconds, for the Retry-After header
