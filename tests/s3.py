"""A throwaway S3-compatible server for the tests: moto's standalone server on 127.0.0.1 at a free port.

It is a subprocess (`python -m moto.server`, from moto[server] in requirements.txt) holding its buckets in memory:
nothing reaches the disk, and nothing leaves this machine — it listens on 127.0.0.1 only, and S3 is all it serves
here. start() waits until it answers; stop() ends it (also after a failure). The key pair is any pair: moto checks
none, so the tests' credentials are the ones the code passes, not ones the server knows.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass

from pg import free_port

REGION = "us-east-1"
ACCESS_KEY_ID = "tpc-test-key"
SECRET_ACCESS_KEY = "tpc-test-secret"
START_SECONDS = 30


class NoS3(RuntimeError):
    """moto's server did not start."""


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: object   # the server's stderr, a temporary file (a pipe nobody reads would fill and stall it)

    @property
    def endpoint(self) -> str:
        """What TPC_LAKE_S3_ENDPOINT takes."""
        return f"http://127.0.0.1:{self.port}"

    def tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def client(self):
        """A boto3 S3 client of the server (boto3 comes with moto)."""
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY_ID,
                            aws_secret_access_key=SECRET_ACCESS_KEY)

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def objects(self, bucket: str) -> list[str]:
        """Every object key in the bucket, sorted."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()


def answers(endpoint: str) -> bool:
    """The server replies to a bucket listing (no proxy: it is on this machine)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(endpoint + "/", timeout=1) as reply:
            return reply.status == 200
    except OSError:
        return False


def start() -> Server:
    """A running server with no buckets; stop() it with stop(server)."""
    port = free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, "AWS_EC2_METADATA_DISABLED": "true"})
    server = Server(process, port, log)
    deadline = time.monotonic() + START_SECONDS
    while not answers(server.endpoint):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(server)
            raise NoS3(f"moto's server did not answer on {server.endpoint}: {server.tail()}")
        time.sleep(0.1)
    return server


def stop(server: Server) -> None:
    """End the server (its buckets go with it)."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    server.log.close()
