"""Data: upload exports with a preview before loading, the load history, rejects, unknown codes and freshness."""
import streamlit as st

from analytics import queries
from ui import auth, frame, tables, uploads, widgets
from ui.i18n import t

frame.require_router()

st.title(t("data.title"))
frame.as_of_line()

reading = ("history", "rejects", "unknown", "conflicts", "freshness")
views = ("upload", *reading) if auth.current().can_upload else reading   # only admins and managers upload
view = widgets.choice(t("data.view"), views, "view", views[0], "data.view")

if view == "upload":
    st.caption(t("data.upload_help"))
    uploads.last_outcome()
    center = uploads.center_picker(queries.centers())
    files = uploads.uploader(t("data.upload"), key=uploads.uploader_key())
    if files:
        uploads.preview_and_confirm(files, center)
elif view == "history":
    st.caption(t("data.history_help"))
    history = queries.load_history()
    loaded = history[history["status"] == "loaded"]
    if loaded["balances"].all():
        st.success(t("data.all_balance", files=len(loaded)), icon=":material/check_circle:")
    else:
        st.error(t("data.some_off", files=int((~loaded["balances"]).sum())), icon=":material/error:")
    tables.show(tables.load_history(history), column_config=tables.load_history_config())
elif view == "rejects":
    rejects = tables.rejects(queries.reject_list())
    if rejects.empty:
        st.success(t("data.rejects_none"))
    else:
        tables.show(rejects, column_config=tables.rejects_config(), column_order=tables.REJECT_ORDER)
        widgets.downloads(tables.translated(rejects), "rejects", t("data.view.rejects"), "rejects")
elif view == "unknown":
    st.caption(t("data.unknown_help"))
    unknown = queries.unknown_products()
    if unknown.empty:
        st.success(t("data.unknown_none"))
    else:
        tables.show(tables.unknown(unknown), column_config=tables.unknown_config())
elif view == "conflicts":
    st.caption(t("data.conflicts_help"))
    conflicts = queries.barcode_conflicts()
    if conflicts.empty:
        st.success(t("data.conflicts_none"))
    else:
        tables.show(tables.barcode_conflicts(conflicts), column_config=tables.barcode_conflicts_config())
else:
    tables.show(tables.freshness(queries.freshness()),
                column_config=tables.freshness_config())
