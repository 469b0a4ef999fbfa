"""The few protobuf messages read from Anki packages (the media map, a note type's
settings in schema 18), read by hand: varints and length-delimited fields are all they
use, and a protobuf runtime is not worth loading for them."""

from __future__ import annotations


def fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message: varints and length-delimited only."""
    out: list[tuple[int, int | bytes]] = []
    pos = 0
    while pos < len(data):
        key, pos = varint(data, pos)
        number, kind = key >> 3, key & 7
        if kind == 0:
            value, pos = varint(data, pos)
            out.append((number, value))
        elif kind == 2:
            size, pos = varint(data, pos)
            out.append((number, data[pos : pos + size]))
            pos += size
        else:
            break  # a wire type this message does not use: stop rather than guess
    return out


def varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
    return value, pos
