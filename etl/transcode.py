"""Transcode a byte range of a text file to UTF-8, in this process or as `python -m etl.transcode`.

readers.utf8_copy splits a large GBK export at line ends and transcodes the pieces in parallel processes:
Python's decoder holds the GIL, so threads would only take turns. A piece must begin and end at a line
end (byte 0x0A is never part of a GBK / GB18030 character).

    python -m etl.transcode SOURCE START END ENCODING TARGET   # END "" for the file's end; exit 3 and the
                                                               # bad byte's offset on stderr
"""
from __future__ import annotations

import codecs
import sys

CHUNK = 16 << 20
BAD_BYTES = 3


class BadBytes(ValueError):
    """Bytes that are not text in the encoding, at this offset of the whole file."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


def transcode(source: str, start: int, end: int | None, encoding: str, target: str) -> None:
    """Write bytes [start, end) of source (to its end when end is None), decoded, as UTF-8 to target."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(source, "rb") as src, open(target, "wb") as dst:
        src.seek(start)
        offset = start
        while end is None or offset < end:
            chunk = src.read(CHUNK if end is None else min(CHUNK, end - offset))
            if not chunk:
                break
            try:
                dst.write(decoder.decode(chunk).encode("utf-8"))
            except UnicodeDecodeError as exc:
                raise BadBytes(offset + exc.start) from None
            offset += len(chunk)
        try:
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError:
            raise BadBytes(offset) from None


def main(argv: list[str]) -> int:
    source, start, end, encoding, target = argv
    try:
        transcode(source, int(start), int(end) if end else None, encoding, target)
    except BadBytes as exc:
        print(exc.offset, file=sys.stderr)
        return BAD_BYTES
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
