"""An S3 server for tests: moto's standalone server (`moto[server]`) on a free loopback port.

One per test session (per xdist worker), started as its own process, stopped by its pid.
The session's bucket is made at start; each test that asks for `blob_url` gets a prefix of
its own in it, so tests never see each other's objects. The standard AWS variables point
at the server for the whole session (moto accepts any credentials), exactly as a team
deployment would set them for a real store.

`blob_url` is parametrized: "local" (None, the data folder as today) and "s3". A test that
takes it runs once on each.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from studio.emulator.testing import free_port

BUCKET = "studio-tests"
STARTUP_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str
    env: dict[str, str]

    def url(self, prefix: str) -> str:
        return f"s3://{self.bucket}/{prefix}"

    def client(self):  # boto3: only tests use it, to look behind the store's back
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.env["AWS_REGION"],
                            aws_access_key_id="test", aws_secret_access_key="test")

    def keys(self, prefix: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def _wait_up(endpoint: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto server exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=2).close()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"moto server did not come up: {log.read_text()[-2000:]}")


def start_s3_server(folder: Path) -> tuple[S3Server, subprocess.Popen[bytes]]:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = folder / "moto.log"
    with log.open("wb") as out:
        # cwd: a stray module in the caller's folder must not shadow one moto imports
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out, stderr=subprocess.STDOUT, cwd=folder, start_new_session=True)
    try:
        _wait_up(endpoint, proc, log)
        env = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "test",
               "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}
        server = S3Server(endpoint, BUCKET, env)
        server.client().create_bucket(Bucket=BUCKET)
    except BaseException:
        stop_s3_server(proc)
        raise
    return server, proc


def stop_s3_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server, proc = start_s3_server(tmp_path_factory.mktemp("moto"))
    saved = {name: os.environ.get(name) for name in server.env}
    os.environ.update(server.env)
    try:
        yield server
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        stop_s3_server(proc)


@pytest.fixture(params=["local", "s3"])
def blob_url(request: pytest.FixtureRequest) -> str | None:
    """Where a test's store keeps its bytes: None (the data folder) or a fresh S3 prefix."""
    if request.param == "local":
        return None
    server: S3Server = request.getfixturevalue("s3_server")
    return server.url(f"t-{secrets.token_hex(6)}")
