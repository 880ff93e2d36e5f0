"""Errors a user can act on: each says which input failed and why, so a batch can list it and go on."""


class InputError(Exception):
    """An input that cannot be read as a report (missing, empty, binary, undecodable, no text layer...)."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
