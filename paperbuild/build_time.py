"""The time a build stamps on what it writes: SOURCE_DATE_EPOCH when set (reproducible builds), else now.

Takes the environment; gives seconds since 1970 (UTC). A value that is not a whole number of seconds is a usage
error, as for every tool that honours reproducible-builds.org's SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import os
import time

from paperbuild.errors import UsageError


def build_time() -> int:
    """SOURCE_DATE_EPOCH when set, else the current time, in seconds since 1970 (UTC)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return int(time.time())
    try:
        return int(value)
    except ValueError as exc:
        raise UsageError(f"SOURCE_DATE_EPOCH must be a number of seconds, not {value!r}") from exc
