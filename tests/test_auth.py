"""Who may see what: login when the secrets configure it, roles from the secrets, pages and actions per role."""
import pytest
import streamlit as st

from apptest import open_page
from ui import auth

PROVIDER = {"client_id": "dashboard", "client_secret": "test-client-secret",
            "server_metadata_url": "https://login.example.com/.well-known/openid-configuration"}
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret", **PROVIDER}
ROLES = {"alice@example.com": "analyst", "Mark@Example.com": "manager", "lee@example.com": "leadership",
         "ada@example.com": "admin", "@tpc.example.cn": "leadership", "typo@example.com": "analist"}
SECRETS = {"auth": AUTH, "roles": ROLES}

ALL_PAGES = ["Overview", "Annual results", "Centers", "Channels", "Brands & products", "Exhibition leads", "Data"]
ANALYST_PAGES = ["Overview", "Annual results", "Centers", "Channels", "Brands & products", "Exhibition leads"]
SIGN_IN = "Taiwan Product Center sales dashboard"
SCREEN_ONLY = [[SIGN_IN] * 7]   # every page's URL shows the login (or refusal) screen, and nothing else


def signed_in(email: str, **claims) -> dict:
    return {"is_logged_in": True, "email": email, "name": email.split("@")[0], "email_verified": True, **claims}


@pytest.fixture
def navigation(monkeypatch):
    """The titles of the pages the router gives st.navigation, one list per call."""
    given = []
    real = st.navigation

    def recording(pages, **kwargs):
        given.append([page.title for page in pages])
        return real(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", recording)
    return given


# ---- the rules ------------------------------------------------------------------------------

@pytest.mark.parametrize("email, role", [
    ("alice@example.com", "analyst"),
    ("ALICE@example.com ", "analyst"),
    ("mark@example.com", "manager"),            # the entry is written Mark@Example.com
    ("lee@example.com", "leadership"),
    ("ada@example.com", "admin"),
    ("wang@tpc.example.cn", "leadership"),     # by domain
    ("bob@example.com", None),                 # not mapped
    ("typo@example.com", None),                # "analist" is no role
    ("example.com", None),
    ("", None),
    (None, None),
])
def test_role_of(email, role):
    assert auth.role_of(email, SECRETS) == role


def test_a_person_s_own_entry_beats_the_domain():
    secrets = {"roles": {"@tpc.example.cn": "leadership", "chen@tpc.example.cn": "admin"}}
    assert auth.role_of("chen@tpc.example.cn", secrets) == "admin"


def test_no_roles_table_means_no_role():
    assert auth.role_of("alice@example.com", {"auth": AUTH}) is None


def test_pages_per_role():
    assert {role: auth.pages_for(role) for role in ("leadership", "manager", "analyst", "admin", None)} == {
        "leadership": ("overview", "annual", "network"),
        "manager": ("overview", "annual", "network", "channels", "brands", "leads", "data"),
        "analyst": ("overview", "annual", "network", "channels", "brands", "leads"),
        "admin": ("overview", "annual", "network", "channels", "brands", "leads", "data"),
        None: (),
    }


@pytest.mark.parametrize("email, upload, export", [
    ("lee@example.com", False, False), ("alice@example.com", False, True),
    ("mark@example.com", True, True), ("ada@example.com", True, True),
])
def test_who_uploads_and_exports(email, upload, export):
    access = auth.access_for(signed_in(email), SECRETS)
    assert (access.can_upload, access.can_export) == (upload, export)


def test_an_unverified_address_gets_nothing():
    assert auth.access_for(signed_in("alice@example.com", email_verified=False), SECRETS) == auth.Access(
        (), can_upload=False, can_export=False, role=None, email="alice@example.com", centers=())
    assert auth.access_for(signed_in("alice@example.com", email_verified=True), SECRETS).role == "analyst"


@pytest.mark.parametrize("section, providers, missing", [
    (AUTH, [None], []),
    ({"redirect_uri": "r", "cookie_secret": "c", "google": PROVIDER, "okta": PROVIDER}, ["google", "okta"], []),
    ({"redirect_uri": "r", "cookie_secret": "c", "my_idp": PROVIDER}, [], ["client_id / client_secret / server_metadata_url"]),
    ({"redirect_uri": "r", **PROVIDER}, [None], ["cookie_secret"]),
    ({"cookie_secret": "c", "client_id": "x"}, [], ["redirect_uri", "client_id / client_secret / server_metadata_url"]),
])
def test_auth_section_providers_and_problems(section, providers, missing):
    assert auth.providers(section) == providers
    assert auth.problems(section) == missing


def test_open_mode_serves_only_this_computer():
    assert auth.open_mode_allows(None)
    assert not auth.open_mode_allows("203.0.113.7")


def test_secrets_are_empty_without_a_file_and_refused_when_broken(tmp_path, monkeypatch):
    from streamlit import config
    from streamlit.errors import StreamlitSecretNotFoundError
    from streamlit.runtime.secrets import Secrets

    path = tmp_path / "secrets.toml"
    real = config.get_option
    monkeypatch.setattr(config, "get_option", lambda key: [str(path)] if key == "secrets.files" else real(key))
    monkeypatch.setattr(st, "secrets", Secrets())
    assert auth.secrets() == {}
    path.write_text('[auth]\nredirect_uri = "http://x/oauth2callback"\n[roles\n', encoding="utf-8")
    monkeypatch.setattr(st, "secrets", Secrets())
    with pytest.raises(StreamlitSecretNotFoundError):
        auth.secrets()
    path.write_text('[roles]\n"alice@example.com" = "analyst"\n', encoding="utf-8")
    monkeypatch.setattr(st, "secrets", Secrets())
    assert auth.secrets() == {"roles": {"alice@example.com": "analyst"}}


# ---- the app --------------------------------------------------------------------------------

def test_without_login_configured_every_page_is_open_and_says_so(small_app, navigation):
    at = open_page("data", view="history")
    assert not at.exception
    assert navigation == [ALL_PAGES]
    assert at.title[0].value == "Data"
    assert at.sidebar.caption[-1].value == "Open access: no login configured, this computer only"


def test_without_login_a_reader_on_another_computer_is_refused(small_app, navigation, monkeypatch):
    monkeypatch.setattr(auth, "client_address", lambda: "203.0.113.7")
    at = open_page("overview")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "This dashboard has no login configured, so it only serves the computer it runs on. "
        "Configure [auth] and [roles] in .streamlit/secrets.toml before serving it to others."]
    assert navigation == SCREEN_ONLY
    assert not at.metric and not at.title


def test_an_unreadable_secrets_file_shuts_the_app(small_app, navigation, monkeypatch):
    from streamlit.errors import StreamlitSecretNotFoundError

    def unreadable():
        raise StreamlitSecretNotFoundError("Error parsing secrets file")

    monkeypatch.setattr(auth, "secrets", unreadable)
    at = open_page("overview")
    assert not at.exception
    assert [e.value for e in at.error] == [".streamlit/secrets.toml cannot be read; fix it and reload."]
    assert navigation == SCREEN_ONLY
    assert not at.metric


def test_login_comes_before_anything(small_app, navigation):
    at = open_page("channels", secrets=SECRETS, user={"is_logged_in": False})
    assert not at.exception
    assert navigation == SCREEN_ONLY
    assert [t.value for t in at.title] == [SIGN_IN]
    assert [i.value for i in at.info] == ["Sign in to see the dashboard."]
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.dataframe and not at.metric and not at.get("plotly_chart") and not at.multiselect


def test_a_login_button_per_named_provider(small_app):
    section = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "c", "google": PROVIDER, "okta": PROVIDER}
    at = open_page("overview", secrets={"auth": section, "roles": ROLES}, user={"is_logged_in": False})
    assert [b.label for b in at.button] == ["Log in with google", "Log in with okta"]


def test_login_configured_incompletely_shows_nothing_but_the_problem(small_app, navigation):
    section = {key: value for key, value in AUTH.items() if key != "cookie_secret"}
    at = open_page("overview", secrets={"auth": section, "roles": ROLES}, user=signed_in("ada@example.com"))
    assert [e.value for e in at.error] == [
        "Login is configured incompletely; [auth] in .streamlit/secrets.toml lacks: cookie_secret"]
    assert navigation == SCREEN_ONLY
    assert not at.metric


def test_an_analyst_gets_the_analyst_pages_and_exports(small_app, navigation):
    at = open_page("channels", secrets=SECRETS, user=signed_in("alice@example.com"))
    assert not at.exception
    assert navigation == [ANALYST_PAGES]
    assert at.title[0].value == "Channels"
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV", "Download Excel"]
    assert at.sidebar.caption[-1].value == "alice@example.com (Analyst)"
    assert at.sidebar.button(key="logout").label == "Log out"


def test_an_analyst_forcing_the_data_page_is_refused(small_app, navigation):
    at = open_page("data", secrets=SECRETS, user=signed_in("alice@example.com"))
    assert not at.exception
    assert navigation == [ANALYST_PAGES]
    assert at.title[0].value == "Overview"
    assert not at.file_uploader


def test_leadership_sees_the_overview_and_the_annual_results_with_its_workbook(small_app, navigation, offered):
    from test_page_annual import assert_workbook_is_the_warehouse

    at = open_page("annual", year="2020", secrets=SECRETS, user=signed_in("wang@tpc.example.cn"))
    assert not at.exception
    assert navigation == [["Overview", "Annual results", "Centers"]]
    assert at.title[0].value == "Results 2020"
    assert [b.proto.label for b in at.get("download_button")] == ["Download Excel"]
    assert_workbook_is_the_warehouse(offered(at, "annual_xlsx"), small_app, 2020)
    assert at.sidebar.caption[-1].value == "wang@tpc.example.cn (Leadership)"


def test_leadership_forcing_an_analyst_page_gets_the_overview(small_app, navigation):
    at = open_page("channels", ch="tmall", secrets=SECRETS, user=signed_in("lee@example.com"))
    assert at.title[0].value == "Overview"
    assert not at.dataframe and not at.get("download_button")


@pytest.mark.parametrize("email, role", [("mark@example.com", "Manager"), ("ada@example.com", "Administrator")])
def test_managers_and_admins_get_every_page_and_upload(small_app, navigation, email, role):
    at = open_page("data", secrets=SECRETS, user=signed_in(email))
    assert not at.exception
    assert navigation == [ALL_PAGES]
    assert at.title[0].value == "Data"
    assert len(at.file_uploader) == 1
    assert at.sidebar.caption[-1].value == f"{email} ({role})"


@pytest.mark.parametrize("user", [signed_in("bob@example.com"), signed_in("typo@example.com"),
                                  signed_in("alice@example.com", email_verified=False)])
def test_a_user_without_a_role_is_told_politely_and_can_log_out(small_app, navigation, user):
    at = open_page("overview", secrets=SECRETS, user=user)
    assert not at.exception
    assert navigation == SCREEN_ONLY
    assert [w.value for w in at.warning] == [
        f"{user['email']} has no access to this dashboard yet. Ask an administrator to give you a role."]
    assert not at.metric
    at.button(key="logout").click().run()
    assert at.user == {"is_logged_in": False}
    at.run()   # a browser follows st.logout's redirect and comes back logged out
    assert [b.label for b in at.button] == ["Log in"]


def test_a_page_run_without_the_router_can_do_nothing():
    assert auth.current() == auth.NOTHING
