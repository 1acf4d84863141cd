"""Korean morphology: one kiwipiepy analyser per process. Loading it takes
seconds and hundreds of megabytes, and both the safety scan (bot.safety) and
the eligibility readers (bot.eligibility) read Korean on morphemes, so they
share this one."""
from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def kiwi() -> Any:
    from kiwipiepy import Kiwi

    return Kiwi()
