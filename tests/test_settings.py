"""The production settings in .streamlit/config.toml that the README and the security notes promise."""
import tomllib
from pathlib import Path

from etl import config

SETTINGS = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_the_server_serves_this_computer_without_watching_files():
    server = SETTINGS["server"]
    assert server["address"] == "127.0.0.1"
    assert server["fileWatcherType"] == "none"
    assert server["runOnSave"] is False
    assert server["headless"] is True


def test_xsrf_protection_on_a_realistic_upload_limit_and_no_error_details():
    assert SETTINGS["server"]["enableXsrfProtection"] is True
    assert SETTINGS["server"]["maxUploadSize"] == 200
    assert SETTINGS["client"]["showErrorDetails"] == "none"
    assert SETTINGS["browser"]["gatherUsageStats"] is False


def test_secrets_come_from_the_project_file_only():
    """The file the ETL writes the buyer key to; a stray ~/.streamlit/secrets.toml cannot add login rules."""
    assert SETTINGS["secrets"]["files"] == [".streamlit/secrets.toml"]
    assert config.SECRETS_FILE == config.ROOT / SETTINGS["secrets"]["files"][0]


def test_a_light_and_a_dark_theme():
    assert SETTINGS["theme"]["base"] == "light"
    assert SETTINGS["theme"]["light"]["backgroundColor"] == "#FFFFFF"
    assert SETTINGS["theme"]["dark"]["backgroundColor"] == "#0F1720"
