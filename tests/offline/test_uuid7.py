"""The UUIDv7 ids of offline operations: version and variant bits, time order, monotonic within a process."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from ispdesk.domain.ids import uuid7


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=2, max_value=3000))
def test_uuid7_bits_and_order(count: int) -> None:
    before = time.time_ns() // 1_000_000
    ids = [uuid7() for _ in range(count)]
    after = time.time_ns() // 1_000_000
    assert ids == sorted(ids) and len(set(ids)) == count  # strictly increasing, even within a millisecond
    for ident in ids:
        assert ident.version == 7 and ident.variant == "specified in RFC 4122"
        ms = ident.int >> 80
        assert before <= ms <= after + count // 4096 + 1
