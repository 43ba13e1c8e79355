"""Hotsite (central do assinante) password hashes: argon2id at the cost the parameter chooses.

Staff logins keep argon2-cffi's default cost (`users.hash_password`, about 0.1 s a hash). Hotsite
passwords are many — an import brings 100,000 at once — so their cost is the parameter
``custo_senha_hotsite`` (`COSTS`): a cheaper hash imports faster but lets whoever steals a copy of the
database test more guesses per second. Every hash carries its own cost, so changing the parameter
never invalidates stored passwords; `users.verify_password` checks any of them.

`hash_portal_passwords` hashes a batch in a thread pool (argon2-cffi releases the GIL), before the
import opens its write transaction.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher


@dataclass(frozen=True)
class PortalCost:
    """An argon2id cost level: passes over memory, memory in KiB, lanes."""

    time_cost: int
    memory_kib: int
    parallelism: int


#: ``custo_senha_hotsite`` → argon2id cost (measured on a 2-core machine, one hash, one core).
COSTS: dict[str, PortalCost] = {
    "baixo": PortalCost(1, 2048, 1),     # ≈ 1 ms: 100.000 senhas em ≈ 1 min com 2 núcleos
    "medio": PortalCost(2, 19456, 1),    # ≈ 35 ms (mínimo da OWASP): 100.000 senhas em ≈ 30 min
    "alto": PortalCost(3, 65536, 4),     # ≈ 115 ms (o mesmo dos usuários do sistema): ≈ 1,6 h
}
DEFAULT_COST = "baixo"
#: Below this many passwords the pool costs more than it saves.
_POOL_FROM = 16


@cache
def _hasher(cost: str) -> PasswordHasher:
    level = COSTS.get(cost, COSTS[DEFAULT_COST])
    return PasswordHasher(time_cost=level.time_cost, memory_cost=level.memory_kib, parallelism=level.parallelism)


def hash_portal_password(password: str, cost: str = DEFAULT_COST) -> str:
    """Argon2id hash of one hotsite password at `cost` (a `COSTS` key; unknown → the default)."""
    return _hasher(cost).hash(password)


def hash_portal_passwords(passwords: Sequence[str], cost: str = DEFAULT_COST, workers: int | None = None) -> list[str]:
    """Hashes of `passwords`, in order, computed in parallel on every core (`workers` threads)."""
    if not passwords:
        return []
    hasher = _hasher(cost)
    count = workers or os.cpu_count() or 1
    if count <= 1 or len(passwords) < _POOL_FROM:
        return [hasher.hash(p) for p in passwords]
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="argon2") as pool:
        return list(pool.map(hasher.hash, passwords, chunksize=64))
