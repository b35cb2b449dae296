"""The upload flow of the Data page: keep the raw files, preview the load, load on confirmation."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from etl import config, pipeline, preview
from ui.i18n import t

def upload_dir(db: Path) -> Path:
    """Raw uploads live beside the warehouse: data/raw/uploads/ for data/warehouse.duckdb."""
    return db.parent / "raw" / "uploads"


def keep(uploaded, folder: Path) -> Path:
    """Save an uploaded file (named by its content) so the warehouse can be rebuilt from raw files."""
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}-{Path(uploaded.name).name}"
    if not path.exists():
        path.write_bytes(data)
    return path


def preview_and_confirm(files) -> None:
    db = config.warehouse_path()
    paths = [keep(f, upload_dir(db)) for f in files]
    outcomes = preview.preview(db, paths)
    st.subheader(t("data.preview"))
    st.dataframe(summary(outcomes), hide_index=True, width="stretch")
    for result, sample in outcomes:
        with st.expander(f"{original_name(result.file)} · {t('data.status.' + result.status)}", expanded=result.status != "loaded"):
            if result.status in ("refused", "failed"):
                st.error(result.message.replace(Path(result.file).name, original_name(result.file)))
            elif result.status == "duplicate":
                st.info(t("data.duplicate", load_id=result.load_id))
            for row, column, code in result.rejects:
                st.write(t("data.reject_line", row=row, column=column or "–", reason=t(f"reason.{code}")))
            if not sample.empty:
                st.dataframe(sample, hide_index=True, width="stretch")
    loadable = [p for p, (r, _) in zip(paths, outcomes) if r.status == "loaded"]
    if st.button(t("data.confirm", files=len(loadable)), type="primary", disabled=not loadable, key="confirm_load"):
        with st.spinner(t("data.loading")):
            results = pipeline.load_paths(db, loadable)
        st.cache_data.clear()
        st.success(t("data.loaded", files=sum(r.status == "loaded" for r in results),
                     rows=sum(r.rows_loaded for r in results)))


def original_name(stored: str) -> str:
    """The uploaded file's own name, without the content prefix keep() added."""
    return stored.split("-", 1)[1] if len(stored) > 13 and stored[12] == "-" else stored


def summary(outcomes) -> pd.DataFrame:
    return pd.DataFrame([{
        t("col.file_name"): original_name(r.file),
        t("col.format"): t(f"format.{r.format}") if r.format else "–",
        t("col.status"): t(f"data.status.{r.status}"),
        t("col.rows_read"): r.rows_read,
        t("data.would_load"): r.rows_loaded,
        t("col.rows_rejected"): r.rows_rejected,
    } for r, _ in outcomes])
