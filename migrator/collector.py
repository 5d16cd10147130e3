"""The cyclic garbage collector, paused while a burst of objects without cycles is made.

A parse (``ast``, LibCST) or a decode (JSON) builds up to millions of objects, and each
thousand new ones sets off a collection that walks the young ones again; on a big module that
is a third of the parse, and three times the parse when a long run holds much already. Nothing
they build is a cycle, and anything that is waits for the next collection after the pause.
"""

from __future__ import annotations

import gc


class paused:  # named as a function: used as one, ``with paused():``
    """No automatic collection within; nested, the outer pause decides when it ends."""

    __slots__ = ("_collecting",)

    def __enter__(self) -> None:
        self._collecting = gc.isenabled()
        gc.disable()

    def __exit__(self, *_: object) -> None:
        if self._collecting:
            gc.enable()
