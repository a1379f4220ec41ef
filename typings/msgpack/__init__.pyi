# The part of msgpack's interface seedlint uses (msgpack ships no type information).
from typing import Any

version: tuple[int, int, int]

def packb(o: Any, *, use_bin_type: bool = ..., unicode_errors: str | None = ...) -> bytes: ...
def unpackb(
    packed: bytes,
    *,
    raw: bool = ...,
    use_list: bool = ...,
    strict_map_key: bool = ...,
    unicode_errors: str | None = ...,
    timestamp: int = ...,
) -> Any: ...
