"""Take a screenshot of every page of the dashboard on the demo warehouse into docs/screenshots/: the whole page on a
desktop (<page>.png) and the first screen of a 390×844 phone (<page>_phone.png).

    python docs/make_screenshots.py [--db data/warehouse.duckdb] [--lang zh-TW]
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import PAGES, browser, open_rendered, running_app  # noqa: E402

from etl import config  # noqa: E402

QUERY = {"annual": "?year=2020", "brands": "?b=凤梨山丘烘焙坊"}
PHONE = {"width": 390, "height": 844}
HEIGHT = {"overview": 2700, "annual": 2150, "network": 1300, "channels": 2000, "brands": 2400, "leads": 2200, "data": 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=config.warehouse_path())
    parser.add_argument("--lang", default="zh-TW", help="browser locale (zh-TW, zh-CN, en-US)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", default=PAGES, help="these pages only")
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    with running_app(args.db) as url:
        for name in args.only:
            # Streamlit scrolls inside its own container, so a tall window is what captures the whole page
            address = f"{url}/{'' if name == 'overview' else name}{QUERY.get(name, '')}"
            with browser(args.lang, HEIGHT[name]) as page:
                open_rendered(page, address)
                page.wait_for_timeout(2000)   # tables paint after the page reports it is rendered
                page.screenshot(path=str(out / f"{name}.png"))
            with browser(args.lang, PHONE["height"]) as page:
                page.set_viewport_size(PHONE)
                open_rendered(page, address)
                page.wait_for_timeout(2000)
                page.screenshot(path=str(out / f"{name}_phone.png"))
                if name == "overview":   # the target and its pace, further down the phone's page
                    page.locator(".st-key-cards_pace").scroll_into_view_if_needed()
                    page.wait_for_timeout(800)
                    page.screenshot(path=str(out / "overview_pace_phone.png"))
            print(f"{out / name}.png, {out / name}_phone.png")


if __name__ == "__main__":
    main()
