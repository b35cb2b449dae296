"""The upload flow of the Data page: keep the raw files, preview the load, load on confirmation."""
from __future__ import annotations

import contextlib
import hashlib
import os
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import access
from etl import config, pipeline, preview, publish
from etl.formats import FORMATS
from ui import safe, tables
from ui.i18n import t

PENDING_DAYS = 1   # an upload previewed and never confirmed is removed after this
TYPES = ("csv", "txt", "xlsx")
# Streamlit 1.67's file_uploader has no parameter for its button ("Upload") or its limit line
# ("200MB per file • CSV, TXT, XLSX"): CSS writes them in the reader's language instead
BUTTON = '[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p'
LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'


def uploader_css() -> str:
    from ui.style import replaced_text

    limit = t("upload.limit", mb=st.get_option("server.maxUploadSize"), types=" / ".join(x.upper() for x in TYPES))
    return "<style>\n" + replaced_text(BUTTON, t("upload.browse")) + replaced_text(LIMIT, limit) + "</style>"


def uploader(label: str, key: str):
    """The file uploader of the Data page, its own texts in the reader's language."""
    st.html(uploader_css())
    return st.file_uploader(label, type=list(TYPES), accept_multiple_files=True, key=key)


def pending_dir(db: Path) -> Path:
    """Uploads wait beside the warehouse (data/.uploads-pending/ for data/warehouse.duckdb) until confirmed;
    a confirmed one that loads is kept under data/raw/ like any loaded file, and its pending copy goes."""
    return db.parent / ".uploads-pending"


def keep(uploaded, folder: Path) -> Path:
    """Save an uploaded file under its own name, in a folder named by its content; owner-only, as raw/ (it holds
    the export as it came, personal data included)."""
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:12]
    path = folder / digest / Path(uploaded.name).name
    publish.private_dir(folder)
    publish.private_dir(path.parent)
    if not path.exists():
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, publish.PRIVATE_FILE), "wb") as fh:
            fh.write(data)
    return path


def discard(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()


def discard_stale(folder: Path) -> None:
    """Uploads previewed long ago and never confirmed."""
    cutoff = time.time() - PENDING_DAYS * 86400
    if folder.is_dir():
        discard([p for p in folder.glob("*/*") if p.is_file() and p.stat().st_mtime < cutoff])


def center_picker(centers: pd.DataFrame) -> str | None:
    """The center the uploaded files are for: asked when the reader may load into more than one (only the
    centers the reader may see are offered), else the one there is."""
    codes = list(centers["center"])
    if len(codes) <= 1:
        return codes[0] if codes else None
    names = dict(zip(centers["center"], centers["center_name"].fillna(centers["center"])))
    picked = [c for c in access.chosen() if c in codes]
    return st.selectbox(t("data.center"), codes, index=codes.index(picked[0]) if picked else 0,
                        format_func=lambda c: f"{names.get(c) or c} · {c}", key="upload_center",
                        help=t("data.center_help"))


def may_load(result) -> bool:
    """A reader limited to centers loads only their centers' files: a network-wide file (the product master, the
    centers, the targets) is for readers who see the whole network."""
    fmt = FORMATS.get(result.format)
    return access.allowed() is None or (fmt is not None and fmt.centered)


def preview_and_confirm(files, center: str | None = None) -> None:
    db = config.warehouse_path()
    limit = access.allowed()
    if limit is not None and center not in limit:   # the picker offers no other; a forged value loads nothing
        st.error(t("data.center_refused"))
        return
    discard_stale(pending_dir(db))
    paths = [keep(f, pending_dir(db)) for f in files]
    outcomes = preview.preview(db, paths, center=center)
    st.subheader(t("data.preview"))
    tables.show(summary(outcomes))
    for result, sample in outcomes:
        with st.expander(expander_label(result), expanded=result.status != "loaded" or bool(result.rows_rejected)
                         or bool(result.notices)):
            if result.status == "loaded" and not may_load(result):
                st.error(t("data.network_file_refused"))
            if result.status in ("refused", "failed"):
                st.error(safe.markdown_lines(result.message.replace(Path(result.file).name, original_name(result.file))))
            elif result.status == "duplicate":
                st.info(t("data.duplicate", load_id=result.load_id))
            for notice in result.notices:
                st.info(safe.markdown(notice), icon=":material/info:")
            for row, column, code in result.rejects:
                st.write(t("data.reject_line", row=row, column=column or "–", reason=t(f"reason.{code}")))
            if not sample.empty:
                tables.show(sample)
    loadable = [p for p, (r, _) in zip(paths, outcomes) if r.status == "loaded" and may_load(r)]
    if st.button(t("data.confirm", files=len(loadable)), type="primary", disabled=not loadable, key="confirm_load"):
        with st.spinner(t("data.loading")):
            try:
                results = pipeline.load_paths(db, loadable, center=center)   # each file that loads is kept under data/raw/
            except Exception as exc:
                if not lake_refused(exc):
                    raise
                st.error(t("data.lake_refused"))
                st.code(str(exc), language=None)   # names and codes from the data: text, not Markdown
                return
            if config.lake_configured():   # the uploader sees the files in the lake at once, not a refresh later
                from analytics import lake

                lake.refresher().keep_fresh(wait=True)
        discard(paths)
        st.cache_data.clear()
        # the page is drawn again at once, so its "data as of" line and every figure show the new files; the
        # uploader starts empty, and the outcome is said at the top
        st.session_state[DONE_KEY] = t("data.loaded", files=sum(r.status == "loaded" for r in results),
                                       rows=sum(r.rows_loaded for r in results))
        st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
        st.rerun()


DONE_KEY, ROUND_KEY = "upload_done", "upload_round"


def uploader_key() -> str:
    """The uploader's key: a new one after each confirmed load, so the uploader starts empty."""
    return f"uploads_{st.session_state.get(ROUND_KEY, 0)}"


def last_outcome() -> None:
    """What the last confirmed load did, once, after the page was drawn again with its data."""
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")


def expander_label(result) -> str:
    """The file, its status, and (when it has any) how many rows it would reject: seen before anything is opened."""
    label = f"{safe.markdown(original_name(result.file))} · {t('data.status.' + result.status)}"
    if result.rows_rejected:
        label += " · " + t("data.rejects_count", rows=result.rows_rejected)
    return label


def original_name(stored: str) -> str:
    """The uploaded file's own name, without the content prefix of uploads that earlier versions kept in data/raw/uploads/."""
    return stored.split("-", 1)[1] if len(stored) > 13 and stored[12] == "-" else stored


def summary(outcomes) -> pd.DataFrame:
    """One row per file: what it would load and reject, and the RMB it reads (read = loaded + rejected + older)."""
    return pd.DataFrame([{
        t("col.file_name"): original_name(r.file),
        t("col.format"): t(f"format.{r.format}") if r.format else "–",
        t("col.status"): t(f"data.status.{r.status}"),
        t("col.rows_read"): r.rows_read,
        t("data.would_load"): r.rows_loaded,
        t("col.rows_rejected"): r.rows_rejected,
        t("col.rows_superseded"): r.rows_superseded,
        t("col.amount_read"): (r.amounts or {}).get("read"),
        t("col.amount_loaded"): (r.amounts or {}).get("loaded"),
    } for r, _ in outcomes])


def lake_refused(exc: Exception) -> bool:
    if not config.lake_configured():
        return False
    from etl.lake.loads import is_refusal

    return is_refusal(exc)
