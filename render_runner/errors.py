"""The one exception type for errors a user can act on."""


class RecapError(Exception):
    """An error with a message that tells the user what to do; printed in one line by the CLI."""
