"""The few exceptions that stop a build; `cli.main` alone maps them to exit codes.

Problems in the user's input that can be reported and counted are Diagnostics (diagnostics.py), not exceptions.
"""

from __future__ import annotations


class PaperbuildError(Exception):
    """Base class: the build cannot go on. The message is shown to the user as is."""

    exit_code = 1


class InputError(PaperbuildError):
    """The project itself is unreadable (no manuscript folder, no chapters...). Exit code 1."""

    exit_code = 1


class UsageError(PaperbuildError):
    """The command line is wrong. Exit code 2."""

    exit_code = 2


class MissingDependencyError(PaperbuildError):
    """A tool the build needs is missing or broken (pandoc, WeasyPrint's libraries). Exit code 3."""

    exit_code = 3
