"""A GBK export is transcoded to UTF-8 in pieces cut at line ends, in parallel processes; the copy is the
same as one transcoded whole, and a bad byte is reported at its offset in the file."""
import pytest

from conftest import load, rows, write_csv
from etl import readers
from fixtures import POS


@pytest.fixture
def in_pieces(monkeypatch):
    """Every file counts as large, and is cut into three pieces."""
    monkeypatch.setattr(readers, "PARALLEL_FROM", 0)
    monkeypatch.setattr(readers, "pieces", lambda source: 3)


def gbk_pos(path, lines):
    return write_csv(path, [POS[0]] + [[f"S{i}", "2020-01-05 10:00:00", "4710000000011", f"凤梨酥礼盒{i}", "1", "10.00",
                                        "0", "10.00", "现金", "", "", "销售"] for i in range(lines)], "gbk")


def test_the_pieces_join_into_the_same_text_as_one_transcoding(tmp_path, in_pieces):
    path = gbk_pos(tmp_path / "pos.csv", 300)
    source = readers.open_source(path, tmp_path)
    assert len(readers.line_cuts(path, 3)) == 2
    copy = source.utf8_path()
    assert copy.read_bytes() == path.read_bytes().decode("gb18030").encode("utf-8")
    source.close()
    assert [p.name for p in tmp_path.iterdir()] == ["pos.csv"]   # no piece or copy left behind


def test_cuts_fall_just_after_line_ends(tmp_path):
    path = gbk_pos(tmp_path / "pos.csv", 50)
    data = path.read_bytes()
    cuts = readers.line_cuts(path, 4)
    assert len(cuts) == 3 and cuts == sorted(cuts)
    assert all(data[cut - 1:cut] == b"\n" for cut in cuts)


def test_a_file_transcoded_in_pieces_loads_like_any_other(con, tmp_path, in_pieces):
    result = load(con, gbk_pos(tmp_path / "pos.csv", 300))
    assert (result.status, result.rows_loaded) == ("loaded", 300)
    assert rows(con, "select product_name from pos_lines order by rowid limit 2 offset 298") == [("凤梨酥礼盒298",), ("凤梨酥礼盒299",)]


def test_a_bad_byte_in_a_later_piece_rejects_its_row_by_number(con, tmp_path, in_pieces, monkeypatch):
    monkeypatch.setattr(readers, "SNIFF_BYTES", 1000)   # the encoding is judged on the head, the bad byte is far below
    path = gbk_pos(tmp_path / "pos.csv", 300)
    data = bytearray(path.read_bytes())
    bad = data.rfind(b"\r\nS") + 2   # the last line's first byte: in the last piece, transcoded by a child process
    data[bad:bad + 2] = b"\x81\x20"   # a GBK lead byte followed by a byte no GBK character has
    path.write_bytes(bytes(data))
    result = load(con, path)
    # the line numbers of the pieces transcoded apart add up: the row is the file's own line
    row = bytes(data[:bad]).count(b"\n") + 1
    assert (result.status, result.rows_rejected, result.rows_loaded) == ("loaded", 1, result.rows_read - 1)
    assert rows(con, "select row_no, reason from rejects") == [(row, "wrong_encoding")]
    assert not list(tmp_path.glob(".tpc-transcoded-*"))


def test_pieces_are_joined_by_hand_where_the_kernel_cannot(tmp_path, in_pieces, monkeypatch):
    import os

    monkeypatch.delattr(os, "copy_file_range", raising=False)   # macOS has none
    path = gbk_pos(tmp_path / "pos.csv", 300)
    source = readers.open_source(path, tmp_path)
    assert source.utf8_path().read_bytes() == path.read_bytes().decode("gb18030").encode("utf-8")
    source.close()


@pytest.mark.parametrize("lines, pasted, found", [
    # GBK lines around UTF-8 ones pasted in (1-based line numbers, after the 10 lines of earlier chunks); 水 alone
    # is CB AE in GBK, valid UTF-8 too (ˮ), and stays GBK
    (["凤梨酥,1", "凤梨酥,2", "水", "台灣高山茶,3", "abc"], {1, 3}, [12, 14]),
    (["凤梨酥,1", "", "凤梨酥,2", ""], {2}, [13]),          # a blank line, and a chunk ending in one
    (["凤梨酥,2"], {0}, [11]),                               # the only line, pasted, with no line end
    (["凤梨酥,1", "１２,2", "é,3"], {1, 2}, [12]),           # é is no GB2312 text: not taken for pasted Chinese
])
def test_the_lines_found_by_their_bytes_are_the_lines_checked_one_by_one(lines, pasted, found):
    from etl.transcode import Piece, find_foreign

    data = b"\n".join(line.encode("utf-8" if i in pasted else "gb18030") for i, line in enumerate(lines))
    one_by_one, by_bytes = Piece(lines=10), Piece(lines=10)
    find_foreign(data, one_by_one, "gb18030", every_line_decodes=False)
    find_foreign(data, by_bytes, "gb18030", every_line_decodes=True)
    assert by_bytes.foreign == one_by_one.foreign == found
    assert by_bytes.lines == one_by_one.lines == 10 + len(data.split(b"\n")) - data.endswith(b"\n")
