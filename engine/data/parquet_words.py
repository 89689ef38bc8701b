"""A minimal reader for one string column of a Parquet file (the GloVe word list), in plain Python.

The GloVe package stores its 400,000 words in Parquet; pyarrow would read it but is a large
dependency for a word list, so this reads just what that file uses: a flat column of strings,
PLAIN or dictionary encoded, in v1 or v2 data pages, uncompressed, gzip or snappy.
Written from the Parquet, Thrift-compact and Snappy format descriptions.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

from .errors import DataError

_MAGIC = b"PAR1"
_CODECS = {0: "uncompressed", 1: "snappy", 2: "gzip"}


class _Thrift:
    """Decoder of the Thrift compact protocol into nested {field_id: value} dicts."""

    def __init__(self, buf: bytes, pos: int = 0):
        self.buf, self.pos = buf, pos

    def byte(self) -> int:
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, kind: int):
        if kind in (1, 2):  # booleans in a struct carry the value in the type nibble
            return kind == 1
        if kind == 3:
            return struct.unpack("b", bytes([self.byte()]))[0]
        if kind in (4, 5, 6):
            return self.zigzag()
        if kind == 7:
            self.pos += 8
            return struct.unpack("<d", self.buf[self.pos - 8 : self.pos])[0]
        if kind == 8:
            n = self.varint()
            self.pos += n
            return self.buf[self.pos - n : self.pos]
        if kind in (9, 10):
            return self.list()
        if kind == 11:
            return self.map()
        if kind == 12:
            return self.struct()
        raise DataError(f"parquet: unknown thrift type {kind}")

    def list(self) -> list:
        header = self.byte()
        size, kind = header >> 4, header & 0x0F
        if size == 15:
            size = self.varint()
        if kind in (1, 2):  # booleans inside a list take one byte each
            return [self.byte() == 1 for _ in range(size)]
        return [self.value(kind) for _ in range(size)]

    def map(self) -> dict:
        size = self.varint()
        if size == 0:
            return {}
        kinds = self.byte()
        return {self.value(kinds >> 4): self.value(kinds & 0x0F) for _ in range(size)}

    def struct(self) -> dict:
        fields, last_id = {}, 0
        while True:
            header = self.byte()
            if header == 0:
                return fields
            delta, kind = header >> 4, header & 0x0F
            last_id = last_id + delta if delta else self.zigzag()
            fields[last_id] = self.value(kind)


def snappy_decompress(data: bytes) -> bytes:
    """Decompress one raw (unframed) Snappy block."""
    src = _Thrift(data)
    size = src.varint()
    out = bytearray()
    pos = src.pos
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:  # literal; lengths above 60 continue in 1-4 little-endian bytes
            length = tag >> 2
            if length >= 60:
                extra = length - 59
                length = int.from_bytes(data[pos : pos + extra], "little")
                pos += extra
            length += 1
            out += data[pos : pos + length]
            pos += length
            continue
        if kind == 1:
            length, offset = 4 + ((tag >> 2) & 7), ((tag >> 5) << 8) | data[pos]
            pos += 1
        else:
            extra = 2 if kind == 2 else 4
            length, offset = (tag >> 2) + 1, int.from_bytes(data[pos : pos + extra], "little")
            pos += extra
        if offset == 0 or offset > len(out):
            raise DataError("snappy: corrupt copy offset")
        start = len(out) - offset
        while length > 0:  # a copy may overlap what it writes, so repeat in chunks of `offset`
            chunk = out[start : start + min(length, offset)]
            out += chunk
            start += len(chunk)
            length -= len(chunk)
    if len(out) != size:
        raise DataError(f"snappy: expected {size} bytes, got {len(out)}")
    return bytes(out)


def _decompress(data: bytes, codec: int) -> bytes:
    if codec == 0:
        return data
    if codec == 1:
        return snappy_decompress(data)
    return zlib.decompress(data, 16 + zlib.MAX_WBITS)


def _rle_hybrid(buf: bytes, pos: int, end: int, bit_width: int, count: int) -> np.ndarray:
    """Decode `count` integers of the RLE/bit-packed hybrid encoding from buf[pos:end]."""
    out, got = np.empty(count, dtype=np.int64), 0
    reader = _Thrift(buf, pos)
    value_bytes = (bit_width + 7) // 8
    weights = (1 << np.arange(bit_width, dtype=np.int64)) if bit_width else None
    while got < count and reader.pos < end:
        header = reader.varint()
        if header & 1:  # bit-packed groups of 8 values, least significant bit first
            n = (header >> 1) * 8
            nbytes = (header >> 1) * bit_width
            raw = np.frombuffer(buf, np.uint8, nbytes, reader.pos)
            reader.pos += nbytes
            bits = np.unpackbits(raw, bitorder="little").reshape(n, bit_width) if bit_width else None
            values = bits.astype(np.int64) @ weights if bit_width else np.zeros(n, np.int64)
        else:
            n = header >> 1
            value = int.from_bytes(buf[reader.pos : reader.pos + value_bytes], "little")
            reader.pos += value_bytes
            values = np.full(n, value, dtype=np.int64)
        take = min(n, count - got)
        out[got : got + take] = values[:take]
        got += take
    if got < count:
        raise DataError("parquet: run-length data ended early")
    return out


def _plain_strings(buf: bytes, pos: int, count: int) -> list[str]:
    words = []
    for _ in range(count):
        n = int.from_bytes(buf[pos : pos + 4], "little")
        words.append(buf[pos + 4 : pos + 4 + n].decode("utf-8"))
        pos += 4 + n
    return words


def _page_values(header: dict, page: bytes, codec: int, optional: bool) -> tuple[int, bytes, int]:
    """Number of values, decompressed value bytes and encoding of one data page."""
    if 5 in header:  # v1: levels and values are compressed together
        info = header[5]
        body = _decompress(page, codec)
        pos = 0
        if optional:
            defs_len = int.from_bytes(body[:4], "little")
            defs = _rle_hybrid(body, 4, 4 + defs_len, 1, info[1])
            if not defs.all():
                raise DataError("parquet: missing words (nulls) are not supported")
            pos = 4 + defs_len
        return info[1], body[pos:], info[2]
    info = header[8]  # v2: levels are stored uncompressed in front of the values
    levels = info.get(5, 0) + info.get(6, 0)
    if info.get(2, 0):
        raise DataError("parquet: missing words (nulls) are not supported")
    values = page[levels:]
    if info.get(7, True):
        values = _decompress(values, codec)
    return info[1], values, info[4]


def read_string_column(path: Path, column: int = 0) -> list[str]:
    """All values of one flat, non-null string column of a Parquet file."""
    data = Path(path).read_bytes()
    if data[:4] != _MAGIC or data[-4:] != _MAGIC:
        raise DataError(f"{path}: not a Parquet file")
    footer_len = int.from_bytes(data[-8:-4], "little")
    meta = _Thrift(data, len(data) - 8 - footer_len).struct()
    leaves = [s for s in meta[2] if 5 not in s]  # schema elements without children
    optional = leaves[column].get(3, 0) == 1
    words: list[str] = []
    for row_group in meta[4]:
        chunk = row_group[1][column][3]
        codec = chunk[4]
        if codec not in _CODECS:
            raise DataError(f"{path}: compression codec {codec} is not supported (only {sorted(_CODECS.values())})")
        pos = chunk.get(11, chunk[9])
        end, dictionary, done = pos + chunk[7], None, 0
        while pos < end and done < chunk[5]:
            reader = _Thrift(data, pos)
            header = reader.struct()
            page = data[reader.pos : reader.pos + header[3]]
            pos = reader.pos + header[3]
            if header[1] == 2:
                dictionary = _plain_strings(_decompress(page, codec), 0, header[7][1])
                continue
            count, values, encoding = _page_values(header, page, codec, optional)
            if encoding == 0:
                words += _plain_strings(values, 0, count)
            elif encoding in (2, 8) and dictionary is not None:
                idx = _rle_hybrid(values, 1, len(values), values[0], count)
                words += [dictionary[i] for i in idx.tolist()]
            else:
                raise DataError(f"{path}: value encoding {encoding} is not supported")
            done += count
    return words
