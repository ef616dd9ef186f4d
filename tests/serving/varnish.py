"""A real Varnish, with the shipped VCL (deploy/varnish/default.vcl), in front of a
test's gunicorn: started as a foreground child with a working directory of its own in
/tmp and a free port, and stopped with the test."""

import contextlib
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.tools import ROOT, Tool, _executable

from .servers import Server, free_port, stop

VARNISHD = Tool(
    "varnishd",
    _executable("VARNISHD", "/usr/sbin/varnishd"),
    "`sudo apt-get install varnish varnish-modules`",
)
VCL = ROOT / "deploy" / "varnish" / "default.vcl"


@dataclass
class Varnish(Server):
    """A server whose requests go through Varnish (``log``: varnishd's output)."""

    workdir: Path

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"


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
    log = workdir / "varnishd.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    server = Varnish(process, port, log, workdir)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise AssertionError(f"varnishd stopped:\n{server.output()}")
            try:
                server.get("/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"varnishd did not answer:\n{server.output()}") from None
                time.sleep(0.1)
        yield server
    finally:
        stop([server], seconds=10)
        shutil.rmtree(workdir, ignore_errors=True)
