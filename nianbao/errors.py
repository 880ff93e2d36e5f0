"""Errors a user can act on, and the exit status of every ``nianbao`` command in one place.

Each error says which input or argument failed and why, so a batch can list it and go on, and the
command line (``nianbao.cli``) prints it without a traceback and exits with its status.
"""

EXIT_OK = 0
EXIT_FINDINGS = 1  # the command ran and found something to look at: failed reports, checks, refused gates
EXIT_USAGE = 2  # arguments or inputs that cannot be used (InputError, UsageError)
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


class InputError(Exception):
    """An input that cannot be read as a report (missing, empty, binary, undecodable, no text layer...)."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class UsageError(Exception):
    """Arguments a command cannot run with (a missing folder, an unknown option value, nothing to do)."""
