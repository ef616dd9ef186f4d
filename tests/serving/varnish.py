"""A real Varnish, with the shipped VCL (deploy/varnish/default.vcl), in front of a
test's gunicorn: started as a foreground child with a working directory of its own in
/tmp and a free port, and stopped with the test."""

import contextlib
import http.client
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.tools import ROOT, Tool, _executable

from .servers import free_port

VARNISHD = Tool(
    "varnishd",
    _executable("VARNISHD", "/usr/sbin/varnishd"),
    "`sudo apt-get install varnish varnish-modules`",
)
VCL = ROOT / "deploy" / "varnish" / "default.vcl"


@dataclass
class Varnish:
    process: subprocess.Popen
    port: int
    workdir: Path

    def request(self, method, path, headers=None, body=None):
        """(status, headers, body text) of one request through Varnish."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            connection.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def log(self):
        return (self.workdir / "varnishd.log").read_text(errors="replace")


def vcl_for(backend_port, folder):
    """The shipped VCL with the backend at ``backend_port``."""
    text = VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";')
    assert f'.port = "{backend_port}";' in text
    path = folder / "default.vcl"
    path.write_text(text)
    return path


@contextlib.contextmanager
def varnish_in_front_of(backend_port, threads=None):
    """Varnish on a free port in front of 127.0.0.1:``backend_port``."""
    workdir = Path(tempfile.mkdtemp(prefix="trustsite-varnish-"))
    port = free_port()
    command = [
        str(VARNISHD.path),
        "-F",
        "-j",
        "none",
        "-n",
        str(workdir / "instance"),
        "-a",
        f"127.0.0.1:{port}",
        "-T",
        "none",
        "-f",
        str(vcl_for(backend_port, workdir)),
        "-s",
        "malloc,64m",
    ]
    if threads:
        command += ["-p", f"thread_pool_min={threads}", "-p", "thread_pools=1"]
    with (workdir / "varnishd.log").open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    server = Varnish(process, port, workdir)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise AssertionError(f"varnishd stopped:\n{server.log()}")
            try:
                server.get("/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"varnishd did not answer:\n{server.log()}") from None
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        shutil.rmtree(workdir, ignore_errors=True)
