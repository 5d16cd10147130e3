"""``tomllib`` on Python 3.11+, its backport ``tomli`` before."""

import sys

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError, load, loads
else:  # pragma: no cover - exercised on 3.9/3.10 only
    from tomli import TOMLDecodeError, load, loads

__all__ = ["TOMLDecodeError", "load", "loads"]
