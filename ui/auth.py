"""Who may see what: login when the secrets configure it, each reader's role, and what a role may open and do."""
from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from analytics import access as reader_access
from ui.i18n import t

log = logging.getLogger(__name__)

PAGES = ("overview", "annual", "network", "channels", "brands", "leads", "data")
ROLE_PAGES = {
    "leadership": ("overview", "annual", "network"),
    "analyst": ("overview", "annual", "network", "channels", "brands", "leads"),
    "manager": PAGES,
    "admin": PAGES,
}
UPLOADERS = frozenset({"manager", "admin"})
EXPORTERS = frozenset({"analyst", "manager", "admin"})   # leadership's one download, the annual XLSX, is on its page
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
SESSION_KEY = "access"


@dataclass(frozen=True)
class Access:
    """What the reader may open and do. role None: no login is configured and the app runs open."""

    pages: tuple[str, ...]
    can_upload: bool
    can_export: bool
    role: str | None = None
    email: str | None = None
    centers: tuple[str, ...] | None = None   # the only centers whose rows the reader sees; None: every center


OPEN = Access(PAGES, can_upload=True, can_export=True)
NOTHING = Access((), can_upload=False, can_export=False, centers=())


@dataclass(frozen=True)
class Grant:
    """What [roles] gives an address: a role, and the centers it is limited to (None: all of them)."""

    role: str
    centers: tuple[str, ...] | None = None


# ---- pure rules -------------------------------------------------------------------------------

def role_of(email: str | None, secrets: Mapping) -> str | None:
    """The role [roles] gives an address (see grant_of), or None."""
    grant = grant_of(email, secrets)
    return grant.role if grant else None


def grant_of(email: str | None, secrets: Mapping) -> Grant | None:
    """What [roles] gives an address: its own entry, else its domain's ("@example.com"), else None.

    An entry is a role (`"chen@…" = "analyst"`) or a table limiting it to centers
    (`"lin@…" = { role = "manager", centers = ["NJ"] }`). Addresses compare without case. An entry naming no
    known role, or centers that are not a non-empty list of codes, gives nothing (and is logged), so a typo
    locks a reader out rather than letting them in or showing them every center.
    """
    if not email or "@" not in email:
        return None
    roles = {address_key(key): value for key, value in (secrets.get("roles") or {}).items()}
    address = address_key(email)
    if address is None:
        return None
    for key in (address, "@" + address.rpartition("@")[2]):
        if key in roles:
            return parsed_grant(key, roles[key])
    return None


def parsed_grant(key: str, entry) -> Grant | None:
    centers = None
    if isinstance(entry, Mapping):
        unknown = set(entry) - {"role", "centers"}
        if unknown:
            log.warning("[roles] entry %s has unknown keys %s; no access", key, sorted(unknown))
            return None
        if "centers" in entry:
            found = entry["centers"]
            if (not isinstance(found, (list, tuple)) or not found
                    or not all(isinstance(c, str) and c.strip() for c in found)):
                log.warning("[roles] entry %s: centers must be a non-empty list of center codes; no access", key)
                return None
            centers = tuple(dict.fromkeys(c.strip() for c in found))
        entry = entry.get("role", "")
    role = str(entry).strip().lower()
    if role not in ROLE_PAGES:
        log.warning("[roles] gives %s the unknown role %r; no access", key, entry)
        return None
    return Grant(role, centers)


ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def address_key(address: object) -> str | None:
    """An e-mail address as compared: canonically composed (NFC), without case for ASCII letters only; None for
    an address that only normalisation would make plain ASCII (the Kelvin sign K is NFC's K): no role for it.

    Not NFKC and not casefold(): those map look-alikes onto other letters (a full-width ｃｈｅｎ onto chen, ß onto
    ss), which would hand one person's role to another's look-alike address."""
    text = str(address).strip()
    key = unicodedata.normalize("NFC", text)
    if key.isascii() and not text.isascii():
        return None
    return key.translate(ASCII_LOWER)


def pages_for(role: str | None) -> tuple[str, ...]:
    return ROLE_PAGES.get(role, ())


def access_for(user: Mapping, secrets: Mapping) -> Access:
    """A logged-in user's access; an address the provider does not mark verified (email_verified the boolean
    true: missing, "false", "true" as text or 1 are not) gets none."""
    email = user.get("email")
    grant = grant_of(email, secrets) if user.get("email_verified") is True else None
    if grant is None:
        return Access((), False, False, None, email, centers=())
    role = grant.role
    return Access(pages_for(role), role in UPLOADERS, role in EXPORTERS, role, email, grant.centers)


def providers(auth: Mapping) -> list[str | None]:
    """The providers [auth] sets up completely: None for one unnamed provider, else each [auth.<name>]."""
    found: list[str | None] = [None] if all(auth.get(k) for k in PROVIDER_KEYS) else []
    found += [name for name, section in auth.items()
              if isinstance(section, Mapping) and "_" not in name and all(section.get(k) for k in PROVIDER_KEYS)]
    return found


def problems(auth: Mapping) -> list[str]:
    """What [auth] lacks for login to work, by key name; empty when it is complete."""
    missing = [key for key in ("redirect_uri", "cookie_secret") if not auth.get(key)]
    if not providers(auth):
        missing.append(" / ".join(PROVIDER_KEYS))
    return missing


def open_mode_allows(ip_address: str | None) -> bool:
    """Without login the app serves its own computer only (Streamlit reports a local reader's address as None)."""
    return ip_address is None


# ---- the gate the router calls ----------------------------------------------------------------

def secrets() -> Mapping:
    """The app's secrets; none when there is no secrets file. A file that exists but cannot be read raises."""
    from streamlit import config
    from streamlit.errors import StreamlitSecretNotFoundError

    try:
        return st.secrets.to_dict()
    except StreamlitSecretNotFoundError:
        if any(Path(p).is_file() for p in config.get_option("secrets.files")):
            raise
        return {}


def client_address() -> str | None:
    """The reader's IP address; None on this computer (and under AppTest, whose runtime is a stand-in)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def gate() -> tuple[Access, Callable[[], None] | None]:
    """The reader's access, and the screen to show instead of any page (login, no access, refusal) or None."""
    try:
        settings = secrets()
    except Exception as exc:   # fail closed: a broken secrets file may be hiding an [auth] section
        log.error("secrets unreadable: %s", exc)
        return NOTHING, lambda: st.error(t("auth.secrets_unreadable"))
    auth = settings.get("auth")
    if auth is None:
        if open_mode_allows(client_address()):
            return OPEN, None
        return NOTHING, lambda: st.error(t("auth.local_only"))
    missing = problems(auth)
    if missing:
        return NOTHING, lambda: st.error(t("auth.misconfigured", missing=", ".join(missing)))
    user = st.user.to_dict()
    if user.get("is_logged_in") is not True:
        return NOTHING, lambda: login_screen(providers(auth))
    access = access_for(user, settings)
    if not access.pages:
        return access, lambda: no_access_screen(access.email)
    return access, None


def login_screen(names: list[str | None]) -> None:
    st.title(t("app.title"))
    st.info(t("auth.sign_in"))
    for name in names:
        label = t("auth.login_with", provider=name) if name else t("auth.login")
        if st.button(label, key=f"login_{name or 'default'}", type="primary", icon=":material/login:"):
            st.login(name)


def no_access_screen(email: str | None) -> None:
    st.title(t("app.title"))
    st.warning(t("auth.no_access", email=email or "–"))
    logout_button()


def logout_button(container=st) -> None:
    if container.button(t("auth.logout"), key="logout", icon=":material/logout:"):
        st.logout()


def identity(access: Access, container=st.sidebar) -> None:
    """Who is signed in, with which role, and a way out; or that the app runs open."""
    if access.role is None:
        container.caption(t("auth.open"))
        return
    if access.centers:
        container.caption(t("auth.signed_in_centers", email=access.email or "–", role=t(f"role.{access.role}"),
                            centers="、".join(access.centers)))
    else:
        container.caption(t("auth.signed_in", email=access.email or "–", role=t(f"role.{access.role}")))
    logout_button(container)


def remember(access: Access) -> None:
    """Pages read what the reader may do from here, and every query the centers it may see (analytics.access);
    the router sets both on every run, before any page or query."""
    st.session_state[SESSION_KEY] = access
    reader_access.allow(access.centers)


def current() -> Access:
    """What the reader may do; nothing when the router has not said (fail closed)."""
    found = st.session_state.get(SESSION_KEY)
    return found if isinstance(found, Access) else NOTHING
