"""Errors the db layer raises for people, not programmers: each says what went wrong
and where, and never carries SQL or a traceback into the user's face."""


class CodeDeskError(Exception):
    """Base for errors whose message is meant to be shown to the user as is."""


class ReferenceDatabaseError(CodeDeskError):
    """The bundled reference database is missing, damaged or of another version."""


class UserDataError(CodeDeskError):
    """The user's own data store could not be opened or written."""
