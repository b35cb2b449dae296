"""The ETL command line: python -m etl load | demo | rebuild | status | rejects | template | lake."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl import config, pipeline
from etl.formats import FORMATS
from etl.reasons import reason_text


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m etl", description="Load the Taiwan Product Center's channel exports into the DuckDB warehouse.")
    commands = top.add_subparsers(required=True, metavar="COMMAND")

    load = commands.add_parser("load", help="load export files or folders of them")
    load.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    load.add_argument("--format", choices=sorted(FORMATS), help="force a format instead of detecting it from the headers")
    load.add_argument("--center", metavar="CODE",
                      help="the center (中心代码 of the centers file) the files are for; needed once several are known")
    add_db(load)
    load.set_defaults(run=run_load)

    demo = commands.add_parser("demo", help="write the seeded demo exports to data/demo/ and load them")
    demo.add_argument("--seed", type=int, default=None, help="generator seed (default: the demo's own)")
    add_db(demo)
    demo.set_defaults(run=run_demo)

    rebuild = commands.add_parser("rebuild", help="make the warehouse again from the raw files kept beside it (raw/)")
    add_db(rebuild)
    rebuild.set_defaults(run=run_rebuild)

    status = commands.add_parser("status", help="what the warehouse holds: loads, rows per channel, freshness")
    add_db(status)
    status.set_defaults(run=run_status)

    rejects = commands.add_parser("rejects", help="list rejected rows with file, row, column and reason")
    rejects.add_argument("--load", type=int, help="only this load_id")
    rejects.add_argument("--limit", type=int, default=200)
    add_db(rejects)
    rejects.set_defaults(run=run_rejects)

    template = commands.add_parser("template", help="write a file in the expected format: its header, one example row, a note per column")
    template.add_argument("kind", type=template_kind, metavar="KIND", help="register | master | pos | centers")
    template.add_argument("--out", type=Path, help="output file, .xlsx or .csv (default: ./<kind>.xlsx)")
    template.set_defaults(run=run_template)

    lake = commands.add_parser("lake", help=f"the lakehouse (Iceberg tables, PostgreSQL catalog): "
                                            f"${config.LAKE_CATALOG_ENV} and ${config.LAKE_WAREHOUSE_ENV} say where")
    lake_commands = lake.add_subparsers(required=True, metavar="LAKE_COMMAND")
    lake_init = lake_commands.add_parser("init", help="create the namespace and the tables that are missing")
    lake_init.set_defaults(run=run_lake_init)
    lake_status = lake_commands.add_parser("status", help="each table's current snapshot and data files per partition")
    lake_status.set_defaults(run=run_lake_status)
    lake_export = lake_commands.add_parser("export", help="write the warehouse's rows (all centers, or one) into the lake")
    lake_export.add_argument("--center", metavar="CODE", help="only this center's rows (default: every center's, "
                                                              "and the network-wide ones)")
    lake_export.add_argument("--take-over", action="store_true",
                             help="replace the lake's rows of these centers even where another warehouse published "
                                  "them (a center's writer moved to this warehouse)")
    add_db(lake_export)
    lake_export.set_defaults(run=run_lake_export)
    lake_compact = lake_commands.add_parser("compact", help="rewrite each partition's small data files into few, "
                                                            "then expire old snapshots")
    lake_compact.add_argument("--table", metavar="NAME", help="only this lake table (default: every one)")
    lake_compact.add_argument("--target-mb", type=int, metavar="N",
                              help="data file size to aim for; a file below 3/4 of it is small (default: 128)")
    lake_compact.add_argument("--retain-days", type=int, metavar="N",
                              help="expire snapshots older than this, but the newest 5 (default: 7)")
    lake_compact.set_defaults(run=run_lake_compact)
    return top


def add_db(command: argparse.ArgumentParser) -> None:
    command.add_argument("--db", help=f"warehouse file (default: ${config.DB_ENV} or data/warehouse.duckdb)")


def run_load(args) -> int:
    return loaded(lambda: pipeline.load_paths(config.warehouse_path(args.db), args.paths, args.format, progress=True,
                                              center=args.center, on_lake=print_lake))


def run_demo(args) -> int:
    return loaded(lambda: pipeline.build_demo(config.warehouse_path(args.db), seed=args.seed, progress=True,
                                              on_lake=print_lake))


def print_lake(exported) -> None:
    """What a load's publish did in the lake: one commit, or nothing when the lake held it all already."""
    changed = [e for e in exported if e.snapshot_id is not None]
    if not changed:
        print("lake: unchanged (it holds these rows already)")
        return
    parts = ", ".join(f"{e.table} {e.partitions} partition{'s' * (e.partitions != 1)}" if e.partitions
                      else e.table for e in changed)
    print(f"lake: one commit ({parts}; {config.LAKE_NAMESPACE}.loads snapshot "
          f"{next((e.snapshot_id for e in changed if e.table == 'loads'), '-')})")


def loaded(run) -> int:
    from etl.warehouse import BalanceError, SchemaError

    try:
        results = run()
    except SchemaError as exc:
        print(f"nothing loaded: {exc}", file=sys.stderr)
        return 2
    except BalanceError as exc:
        print(f"nothing published: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from etl.lake.loads import is_refusal

        if not config.lake_configured() or not is_refusal(exc):
            raise
        print(f"nothing loaded, here or in the lake: {exc}", file=sys.stderr)
        return 2
    print_summary(results)
    return 0 if all(r.status in ("loaded", "duplicate") for r in results) else 1


def print_summary(results) -> None:
    """One line per file: rows read = loaded + rejected + older (rows a newer export already holds), and the rows
    of earlier loads it replaced; then the same in RMB, then what went wrong or is worth knowing."""
    width = max([len(r.file) for r in results] + [4])
    print(f"\n{'file':<{width}}  {'status':<9} {'format':<20} {'read':>9} {'loaded':>9} {'rejected':>9} {'older':>7} "
          f"{'replaced':>9}")
    for r in results:
        print(f"{r.file:<{width}}  {r.status:<9} {r.format or '-':<20} {r.rows_read:>9,} {r.rows_loaded:>9,} "
              f"{r.rows_rejected:>9,} {r.rows_superseded:>7,} {r.rows_replaced:>9,}")
    money = [r for r in results if r.amounts]
    if money:
        print(f"\n{'RMB':<{width}}  {'read':>18} {'loaded':>18} {'rejected':>16} {'older':>16} {'replaced':>16}")
        for r in money:
            a = r.amounts
            print(f"{r.file:<{width}}  {a['read']:>18,.2f} {a['loaded']:>18,.2f} {a['rejected']:>16,.2f} "
                  f"{a['superseded']:>16,.2f} {a['replaced']:>16,.2f}")
    for r in results:
        if r.status == "duplicate":
            print(f"\n{r.file}: skipped, {r.message}")
        elif r.status in ("refused", "failed"):
            print(f"\n{r.message}", file=sys.stderr)
        else:
            for notice in r.notices:
                print(f"\n{r.file}: {notice}")
            if r.rows_replaced:
                print(f"\n{r.file}: replaced {r.rows_replaced:,} rows of earlier loads (a newer export of the same "
                      "receipts, orders or leads); `python -m etl status` shows which")
            if r.rejects:
                print(f"\n{r.file}: {r.rows_rejected:,} rows rejected; first ones:")
                for row, column, code in r.rejects[:10]:
                    print(f"  row {row}, column {column or '-'}: {reason_text(code)}")
                print("  (python -m etl rejects lists them all)")


def run_rebuild(args) -> int:
    db = config.warehouse_path(args.db)
    try:
        results = pipeline.rebuild(db, progress=True)
    except pipeline.RebuildError as exc:
        print(f"rebuild refused, {db} is unchanged: {exc}", file=sys.stderr)
        return 1
    print_summary(results)
    print(f"\nrebuilt {db} from {len(results)} kept raw file(s)")
    return 0


def run_status(args) -> int:
    report = pipeline.status(config.warehouse_path(args.db))
    print(report)
    return 0


def run_rejects(args) -> int:
    rows = pipeline.rejects(config.warehouse_path(args.db), args.load, args.limit)
    if not rows:
        print("no rejected rows")
    for file_name, load_id, row, column, code, detail in rows:
        extra = f" ({detail})" if detail else ""
        print(f"{file_name} [load {load_id}] row {row}, column {column or '-'}: {reason_text(code)}{extra}")
    return 0


def template_kind(kind: str) -> str:
    # openpyxl is imported only by the template command, not by every load
    from etl import templates

    if kind not in templates.TEMPLATES:
        raise argparse.ArgumentTypeError(f"{kind!r}: choose from {', '.join(sorted(templates.TEMPLATES))}")
    return kind


def run_template(args) -> int:
    from etl import templates

    out = args.out or templates.default_out(args.kind)
    try:
        templates.write(args.kind, out)
    except templates.TemplateError as exc:
        print(f"nothing written: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}: the header and one example row (values marked 示例 / EXAMPLE; it loads like any row, so "
          f"replace or delete it)")
    for name, need, note in templates.notes(args.kind):
        print(f"  {name} ({need}): {note}")
    return 0


def lake_catalog():
    """The lake's catalog, or None after saying which environment variables to set."""
    try:
        from etl.lake.catalog import open_catalog

        return open_catalog()
    except config.LakeNotConfigured as exc:
        print(exc, file=sys.stderr)
        return None


def run_lake_init(args) -> int:
    from etl.lake import create

    catalog = lake_catalog()
    if catalog is None:
        return 2
    states = create.init(catalog)
    for table, state in states:
        print(f"{config.LAKE_NAMESPACE}.{table}: {state}")
    return 1 if any(state.startswith("differs") for _, state in states) else 0


def run_lake_status(args) -> int:
    from etl.lake import status

    catalog = lake_catalog()
    if catalog is None:
        return 2
    print(status.report(catalog))
    return 0


def run_lake_export(args) -> int:
    from etl.lake import export
    from etl.warehouse import SchemaError

    catalog = lake_catalog()
    if catalog is None:
        return 2
    db = config.warehouse_path(args.db)
    try:
        done = export.export(catalog, db, args.center, take_over=args.take_over)
    except (export.ExportError, SchemaError) as exc:
        print(f"nothing exported: {exc}", file=sys.stderr)
        return 2
    for e in done:
        what = (f"unchanged, {e.rows:,} rows" if e.snapshot_id is None
                else f"{e.rows_before:,} rows replaced by {e.rows:,} (snapshot {e.snapshot_id})")
        print(f"{config.LAKE_NAMESPACE}.{e.table}: {what}")
    return 0


def run_lake_compact(args) -> int:
    from etl.lake import compact

    catalog = lake_catalog()
    if catalog is None:
        return 2
    try:
        settings = {"target_mb": args.target_mb, "retain_days": args.retain_days}
        done = compact.compact(catalog, args.table, **{k: v for k, v in settings.items() if v is not None})
    except compact.CompactError as exc:
        print(f"nothing compacted: {exc}", file=sys.stderr)
        return 2
    for c in done:
        print(f"{config.LAKE_NAMESPACE}.{c.table}: {compact.described(c)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
