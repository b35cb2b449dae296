"""A throwaway PostgreSQL for the tests: initdb in a temporary folder, 127.0.0.1 and a free port, removed at the end.

The server runs from Debian's binaries (/usr/lib/postgresql/<version>/bin, or $TPC_PG_BIN). initdb and postgres
refuse to run as root, so under root (CI containers) every server command runs as the unprivileged user `nobody`
through `setpriv` (util-linux, in every Debian), and the temporary folder — made directly under /tmp so that
nobody can reach it, /tmp/pytest-of-root being root's alone — is handed to that user. Authentication is `trust`
and the server listens on 127.0.0.1 only, its unix socket inside the folder: nothing outside this machine can
reach it, and it holds nothing but what a test writes.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

BIN_ENV = "TPC_PG_BIN"
SUPERUSER = "tpc"
DATABASE = "tpc"
UNPRIVILEGED = "nobody"


class NoPostgres(RuntimeError):
    """PostgreSQL's server binaries are not on this machine."""


def bin_dir() -> Path:
    """The folder of initdb, pg_ctl and postgres: $TPC_PG_BIN, else the newest /usr/lib/postgresql/*/bin."""
    if os.environ.get(BIN_ENV):
        return Path(os.environ[BIN_ENV])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise NoPostgres("PostgreSQL's initdb is not installed: apt-get install postgresql (.ci/run does), "
                     f"or set {BIN_ENV} to the folder holding initdb and pg_ctl")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    folder: Path
    port: int
    bin: Path

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its database `tpc` (what TPC_LAKE_CATALOG takes)."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def run(self, *command: str) -> None:
        """A server command (initdb, pg_ctl) as the unprivileged user when we are root."""
        argv = [str(self.bin / command[0]), *command[1:]]
        if os.geteuid() == 0:
            argv = ["setpriv", f"--reuid={UNPRIVILEGED}", f"--regid={pwd.getpwnam(UNPRIVILEGED).pw_gid}",
                    "--clear-groups", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, cwd=self.folder)
        if done.returncode:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr or done.stdout}\n{tail}")

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-locale",
                 "--no-sync")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options, "-w",
                 "-t", "30", "start")
        self.create_database(DATABASE)

    def create_database(self, name: str) -> str:
        """A new empty database (a client command: it may run as root); its SQLAlchemy URL."""
        done = subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER,
                               name], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"createdb {name} failed: {done.stderr}")
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


def start() -> Server:
    """A running server with an empty database `tpc`; stop() it with stop(server) (also after a failure)."""
    folder = Path(tempfile.mkdtemp(prefix="tpc-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        user = pwd.getpwnam(UNPRIVILEGED)
        os.chown(folder, user.pw_uid, user.pw_gid)
    server = Server(folder, free_port(), bin_dir())
    try:
        server.start()
    except BaseException:
        stop(server)
        raise
    return server


def stop(server: Server) -> None:
    """Stop the server (if it runs) and remove its folder."""
    try:
        server.stop()
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)
