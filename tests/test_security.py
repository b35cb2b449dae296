"""Security findings of the trust issue: names from the data stay text, exports only through our buttons, strict
login claims, private raw files, and a rebuild that reads only files whose loads published."""
import stat
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT, write_csv
from etl import pipeline, publish
from fixtures import POS
from ui import auth, charts, safe
from ui.i18n import t

HOSTILE = ["![x](http://evil.example/x.png)", '<a href="http://evil.example">点我</a>', "[link](http://evil.example)",
           "http://evil.example/x", "www.evil.example", "&lt;b&gt; &amp;",
           ":material/warning: :red[红] $x^2$", "**粗体** _斜体_ `code`", "line\nbreak"]


def rendered(markdown_text: str) -> str:
    """HTML as CommonMark renders it (markdown-it, which Streamlit's own dependency rich brings)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("strikethrough").render(markdown_text)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_name_filled_into_a_text_shows_as_written_never_as_markup(name):
    import html

    text = t("overview.attention_item", "en", brand=name, change="-10.0%", now="RMB 1", before="RMB 2")
    shown = rendered(text)
    # the catalog's own bold around the brand is the only markup; the name is its text, on one line
    assert shown == f"<p><strong>{html.escape(name.replace(chr(10), ' '))}</strong> -10.0% on last year: RMB 1 (last year RMB 2)</p>\n"
    # Streamlit's own marks (:material/…:, :red[…], $…$) are behind a backslash, which shows the colon as it is
    assert ":" not in safe.markdown(name).replace("\\:", "")


def test_markdown_escaping_keeps_every_character_shown():
    # a backslash before ASCII punctuation is how CommonMark shows the punctuation itself
    assert safe.markdown("![x](http://e/x.png)") == r"\!\[x\]\(http\://e/x.png\)"
    assert safe.markdown("see www.evil.example") == r"see www\.evil.example"
    assert safe.markdown("_斜体_ a_b") == r"\_斜体\_ a_b"
    for plain in ("宝岛酥坊", "2020-03-01", "1,234.50", "chen@tpc.example.cn", "+12.3%", "pos_sales_2020.csv"):
        assert safe.markdown(plain) == plain


def test_chart_labels_from_the_data_are_inert_html():
    import pandas as pd

    frame = pd.DataFrame({"brand": ['<a href="http://evil.example">点我</a>', "<b>粗</b>"], "net_rmb": [2, 1]})
    fig = charts.horizontal_bars(frame, "net_rmb", "brand")
    labels = list(fig.data[0].y)
    assert labels == ["&lt;b&gt;粗&lt;/b&gt;", '&lt;a href="http://evil.example"&gt;点我&lt;/a&gt;']
    pareto = pd.DataFrame({"rank": [1], "sku": ["S"], "product_name": ["<a href='x'>p</a>"], "brand": ["<i>b</i>"],
                           "net_rmb": [1.0], "cumulative_share": [1.0]})
    custom = charts.pareto(pareto).data[0].customdata.tolist()
    assert custom == [["&lt;a href='x'&gt;p&lt;/a&gt;", "&lt;i&gt;b&lt;/i&gt;"]]


def test_no_table_offers_its_own_csv_download():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


SECRETS = {"roles": {"chen@tpc.example.cn": "admin", "@summit.example.cn": "leadership"}}


@pytest.mark.parametrize("claim", [None, False, "false", "true", 0, 1, "yes"])
def test_only_the_boolean_true_counts_as_a_verified_address(claim):
    user = {"is_logged_in": True, "email": "chen@tpc.example.cn"}
    if claim is not None:
        user["email_verified"] = claim
    assert auth.access_for(user, SECRETS).role is None


def test_a_verified_address_gets_its_role():
    user = {"is_logged_in": True, "email": "Chen@TPC.example.cn", "email_verified": True}
    assert auth.access_for(user, SECRETS).role == "admin"


@pytest.mark.parametrize("look_alike", [
    "ｃｈｅｎ@tpc.example.cn",                # full-width letters: NFKC would make them chen@
    "chen@tpc.example.c\u0578",             # an Armenian letter that looks like n
    "\u212ahen@tpc.example.cn".replace("\u212a", "c\u0307"),   # a combining dot
    "chen@summit.example.cn\u200b",          # a zero-width space
])
def test_a_look_alike_address_never_gets_another_person_s_role(look_alike):
    user = {"is_logged_in": True, "email": look_alike, "email_verified": True}
    assert auth.access_for(user, SECRETS).role != "admin"


def test_the_kelvin_sign_is_not_lowered_onto_k():
    secrets = {"roles": {"kim@tpc.example.cn": "admin"}}
    user = {"is_logged_in": True, "email": "\u212aim@tpc.example.cn", "email_verified": True}
    assert auth.access_for(user, secrets).role is None


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_raw_files_are_kept_owner_only(tmp_path, db):
    pipeline.load_paths(db, [write_csv(tmp_path / "pos.csv", POS)])
    raw = publish.raw_dir(db)
    kept = [p for p in raw.iterdir()]
    assert mode(raw) == 0o700
    assert [p.name[13:] for p in kept] == ["pos.csv"] and mode(kept[0]) == 0o600


def test_an_upload_waits_owner_only(tmp_path):
    from ui import uploads

    class Uploaded:
        name = "pos.csv"

        def getvalue(self):
            return b"x"

    path = uploads.keep(Uploaded(), tmp_path / ".uploads-pending")
    assert (mode(tmp_path / ".uploads-pending"), mode(path.parent), mode(path)) == (0o700, 0o700, 0o600)


def test_a_raw_file_of_a_load_that_never_published_is_not_rebuilt(tmp_path, db, monkeypatch):
    pipeline.load_paths(db, [write_csv(tmp_path / "pos.csv", POS)])
    second = write_csv(tmp_path / "pos2.csv", [POS[0], ["S9", *POS[1][1:]]])

    def fail_publish(db_):
        raise RuntimeError("killed before publishing")

    monkeypatch.setattr(publish, "promote_pending", fail_publish)
    real_replace = publish.os.replace
    monkeypatch.setattr(publish.os, "replace", lambda a, b: (_ for _ in ()).throw(RuntimeError("killed"))
                        if str(b) == str(db) else real_replace(a, b))
    with pytest.raises(RuntimeError):
        pipeline.load_paths(db, [second])
    monkeypatch.undo()
    raw = publish.raw_dir(db)
    assert sorted(p.name[13:] for p in raw.iterdir() if not p.name.startswith(".")) == ["pos.csv"]
    db.unlink()                                             # the warehouse lost: rebuilt from raw/ alone
    results = pipeline.rebuild(db)
    assert [r.file for r in results] == ["pos.csv"]
    assert not list(raw.glob(".pending-*"))
