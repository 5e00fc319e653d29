"""The one base class of every mistake a user can make in what they ask for; main.py prints it as one line."""


class UserError(Exception):
    """Bad request, not a bug: an unknown name, a bad date, a missing build, a refused query."""
