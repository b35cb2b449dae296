"""Transcode a byte range of a text file to UTF-8, in this process or as `python -m etl.transcode`.

readers.utf8_copy splits a large GBK export at line ends and transcodes the pieces in parallel processes:
Python's decoder holds the GIL, so threads would only take turns. A piece must begin and end at a line
end (byte 0x0A is never part of a GBK / GB18030 character).

    python -m etl.transcode SOURCE START END ENCODING TARGET   # END "" for the file's end; prints the piece's
                                                               # lines and UTF-8 lines as JSON; exit 3 and the
                                                               # bad byte's offset on stderr
"""
from __future__ import annotations

import codecs
import json
import sys
from dataclasses import dataclass, field

CHUNK = 16 << 20
BAD_BYTES = 3


class BadBytes(ValueError):
    """Bytes that are not text in the encoding, at this offset of the whole file."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


@dataclass
class Piece:
    """What transcoding a piece found: its number of lines, and which of them (1-based) were UTF-8 text already."""

    lines: int = 0
    foreign: list[int] = field(default_factory=list)

    def dump(self) -> str:
        return json.dumps({"lines": self.lines, "foreign": self.foreign})

    @classmethod
    def parse(cls, text: str) -> "Piece":
        data = json.loads(text)
        return cls(data["lines"], data["foreign"])


def transcode(source: str, start: int, end: int | None, encoding: str, target: str) -> Piece:
    """Write bytes [start, end) of source (to its end when end is None), decoded, as UTF-8 to target.

    Read a line at a time in spirit (a chunk up to its last line end): a line that is valid UTF-8 with
    non-ASCII text in a GBK file is a row pasted from another export; it would decode as mojibake, so its
    number is returned for the loader to reject (it is written decoded all the same, to keep the lines)."""
    if encoding not in LINE_SAFE:
        return transcode_stream(source, encoding, target)
    piece = Piece()
    with open(source, "rb") as src, open(target, "wb") as dst:
        src.seek(start)
        offset, carry = start, b""
        while True:
            chunk = src.read(CHUNK if end is None else min(CHUNK, end - offset - len(carry)))
            data = carry + chunk
            cut = data.rfind(b"\n") + 1 if chunk else len(data)
            whole, carry = data[:cut], data[cut:]
            if whole:
                text, every_line = decoded(whole, encoding, offset)
                dst.write(text.encode("utf-8"))
                find_foreign(whole, piece, encoding, every_line)
                offset += len(whole)
            if not chunk:
                break
    return piece


LINE_SAFE = {"gb18030", "gbk"}   # byte 0x0A is only ever a line end (not so in UTF-16)


def transcode_stream(source: str, encoding: str, target: str) -> Piece:
    """A whole file in an encoding whose bytes cannot be cut at 0x0A (UTF-16), through an incremental decoder."""
    decoder, lines, offset = codecs.getincrementaldecoder(encoding)(), 0, 0
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise BadBytes(offset + exc.start) from None
            dst.write(text.encode("utf-8"))
            lines += text.count("\n")
            offset += len(chunk)
        try:
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError:
            raise BadBytes(offset) from None
    return Piece(lines)


def decoded(data: bytes, encoding: str, offset: int) -> tuple[str, bool]:
    """Whole lines decoded, and whether every one of them was text in the encoding; a line that is not is decoded
    as UTF-8, what is no text in that either replaced (find_foreign reports the line, so it is rejected by number,
    not the whole file)."""
    try:
        return data.decode(encoding), True
    except UnicodeDecodeError:
        pass
    out = []
    for line in data.split(b"\n"):
        try:
            out.append(line.decode(encoding))
        except UnicodeDecodeError:
            # UTF-8 pasted in, or bytes that are no text: the line is kept (find_foreign has it rejected)
            out.append(line.decode("utf-8", errors="replace"))
    return "\n".join(out), False


def find_foreign(data: bytes, piece: Piece, encoding: str = "gb18030", every_line_decodes: bool = False) -> None:
    """Note the lines of data (whole lines) that are not text of the file's encoding: pasted in UTF-8, or bytes
    that are text in no encoding (rejected by number; the rest of the file loads).

    When every line decodes in the file's encoding (as good as always), only a line that could be UTF-8 can be
    foreign: those few are found by their bytes for the whole chunk at once (utf8_candidates), and only they are
    checked one by one. Checking every line with Chinese on it cost two seconds in a million."""
    if every_line_decodes:
        starts, ends = line_bounds(data)
        for index in utf8_candidates(data, starts):
            if foreign(data[starts[index]:ends[index]], encoding):
                piece.foreign.append(piece.lines + 1 + int(index))
        piece.lines += len(starts)
        return
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    for number, line in enumerate(lines, start=piece.lines + 1):
        if not line.isascii() and foreign(line, encoding):
            piece.foreign.append(number)
    piece.lines += len(lines)


def line_bounds(data: bytes):
    """Start and end offsets of data's lines, as data.split(b"\\n") cuts them (no empty line after a last line end)."""
    import numpy as np   # here only: the transcoding child processes need it, a UTF-8 load never does

    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 0x0A)
    starts = np.concatenate(([0], ends + 1))
    ends = np.concatenate((ends, [len(data)]))
    if data.endswith(b"\n"):
        starts, ends = starts[:-1], ends[:-1]
    return starts, ends


def utf8_candidates(data: bytes, starts):
    """The indexes of the lines that hold a byte above ASCII and break none of UTF-8's rules that a byte and its
    neighbour show: no byte C0, C1 or F5-FF, a lead byte (C2-F4) followed by a continuation byte (80-BF), a
    continuation byte never after an ASCII one. A line of UTF-8 text passes all of them, so none is missed; a line
    of GBK Chinese breaks one at nearly every character, so few others pass."""
    import numpy as np

    b = np.frombuffer(data, np.uint8)
    continuation = (b & 0xC0) == 0x80
    bad = (b == 0xC0) | (b == 0xC1) | (b >= 0xF5)
    bad[:-1] |= (b[:-1] >= 0xC2) & ~continuation[1:]
    bad[-1:] |= b[-1:] >= 0xC2
    bad[1:] |= continuation[1:] & (b[:-1] < 0x80)
    bad[:1] |= continuation[:1]

    # each line's bytes run from its start to the next one's (its line end included, which is never flagged)
    return np.flatnonzero(np.logical_or.reduceat(b >= 0x80, starts) & ~np.logical_or.reduceat(bad, starts))


def foreign(line: bytes, encoding: str) -> bool:
    """Whether a line of a GBK file is not GBK text: bytes that GBK cannot decode, or UTF-8 text that GBK would
    read as mojibake. Many GBK byte pairs are valid UTF-8 too (水 is CB AE, which UTF-8 reads as ˮ), so a line that
    both decode is UTF-8 only when UTF-8 reads it as common Chinese (GB2312) and GBK does not."""
    try:
        as_gbk = line.decode(encoding)
    except UnicodeDecodeError:
        return True
    try:
        as_utf8 = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return encodes(as_utf8, "gb2312") and not encodes(as_gbk, "gb2312")


def encodes(text: str, encoding: str) -> bool:
    """Whether the text is written in the encoding without loss."""
    return converts(text.encode, encoding)


def decodes(data: bytes, encoding: str) -> bool:
    """Whether the bytes are text in the encoding."""
    return converts(data.decode, encoding)


def converts(method, encoding: str) -> bool:
    try:
        method(encoding)
        return True
    except UnicodeError:
        return False


def main(argv: list[str]) -> int:
    source, start, end, encoding, target = argv
    try:
        piece = transcode(source, int(start), int(end) if end else None, encoding, target)
    except BadBytes as exc:
        print(exc.offset, file=sys.stderr)
        return BAD_BYTES
    print(piece.dump())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
