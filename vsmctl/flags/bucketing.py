"""flagd's `fractional` bucketing, so that vsmctl and flagd put every key in the same bucket.

flagd (the fractional-operation spec, as its Python, Go and Java providers implement it) hashes
the CBOR encoding of the bucketing value with MurmurHash3 x86 32-bit, seed 0, and scales the
unsigned hash onto the total weight: `bucket = (hash * total_weight) >> 32`. vsmctl's bucketing
value is the text "<flag key>.<targeting key>" and its total weight is 10,000 (a percentage with
two decimals), which is what `flag export --format flagd` writes.

Standard library only: MurmurHash3 in pure Python (about 6 µs for a 40-byte key). The client
memoises a flag's answer per targeting key, so the hash is paid once per key, not per call.
"""

from __future__ import annotations

from struct import unpack_from

_MASK = 0xFFFFFFFF


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3_x86_32 (Austin Appleby's reference), unsigned."""
    length = len(data)
    blocks = length >> 2
    h = seed & _MASK
    for k in unpack_from(f"<{blocks}I", data):
        k = (k * 0xCC9E2D51) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        h ^= (k * 0x1B873593) & _MASK
        h = ((h << 13) | (h >> 19)) & _MASK
        h = (h * 5 + 0xE6546B64) & _MASK
    tail = length & 3
    if tail:
        k = int.from_bytes(data[length - tail:], "little")
        k = (k * 0xCC9E2D51) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        h ^= (k * 0x1B873593) & _MASK
    h ^= length
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    return h ^ (h >> 16)


def cbor_text(text: str) -> bytes:
    """The CBOR (RFC 8949, deterministic) encoding of a text string: major type 3, then UTF-8."""
    raw = text.encode()
    n = len(raw)
    if n < 24:
        head = bytes((0x60 + n,))
    elif n < 0x100:
        head = bytes((0x78, n))
    elif n < 0x10000:
        head = b"\x79" + n.to_bytes(2, "big")
    elif n < 0x100000000:
        head = b"\x7a" + n.to_bytes(4, "big")
    else:
        head = b"\x7b" + n.to_bytes(8, "big")
    return head + raw


def fractional_bucket(bucket_by: str, total_weight: int) -> int:
    """The bucket, from 0 to total_weight - 1, flagd's `fractional` gives this bucketing value."""
    return (murmur3_32(cbor_text(bucket_by)) * total_weight) >> 32
