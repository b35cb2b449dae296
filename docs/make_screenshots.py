"""Take a screenshot of every page of the dashboard on the demo warehouse into docs/screenshots/.

    python docs/make_screenshots.py [--db data/warehouse.duckdb] [--lang zh-TW]
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import PAGES, browser, open_rendered, running_app  # noqa: E402

from etl import config  # noqa: E402

QUERY = {"annual": "?year=2020", "brands": "?b=宝岛酥坊"}
HEIGHT = {"overview": 2300, "annual": 1900, "channels": 2000, "brands": 2400, "leads": 2200, "data": 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=config.warehouse_path())
    parser.add_argument("--lang", default="zh-TW", help="browser locale (zh-TW, zh-CN, en-US)")
    args = parser.parse_args()
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with running_app(args.db) as url:
        for name in PAGES:
            # Streamlit scrolls inside its own container, so a tall window is what captures the whole page
            with browser(args.lang, HEIGHT[name]) as page:
                open_rendered(page, f"{url}/{'' if name == 'overview' else name}{QUERY.get(name, '')}")
                page.screenshot(path=str(out / f"{name}.png"))
            print(f"docs/screenshots/{name}.png")


if __name__ == "__main__":
    main()
