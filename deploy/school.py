"""Run the app for a school: N replicas of `streamlit run app.py` behind nginx, sharing Redis.

    python -m deploy.school --replicas 4 --port 8080
    python -m deploy.school --replicas 4 --port 8080 --redis-url redis://10.0.0.5:6379/0

Without ``--redis-url`` (or ``REDIS_URL``) a private ``redis-server`` is started on a free
loopback port. Every process is started here and stopped by its own process id on Ctrl-C.
Needs Debian's ``nginx`` and, for the private Redis, ``redis-server``
(``apt-get install nginx redis-server``). The tests use the same functions
(tests/browser/test_replicas_browser.py).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
START_LIMIT_S = 120
STOP_WAIT_S = 15
COOKIE = "explainer_replica"  # the sticky cookie the template sets


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def render_nginx_conf(listen: str, replicas: list[str], prefix: Path,
                      debug_headers: bool = False) -> str:
    """The nginx configuration for ``replicas`` (``"host:port"`` each), listening on ``listen``
    (``"port"`` or ``"host:port"``), with logs and temp files under ``prefix``.

    ``debug_headers`` adds ``X-Explainer-Upstream`` (the replica that answered) to every
    response, for tests; keep it off in a school, where it would show internal addresses.
    """
    if not replicas:
        raise ValueError("at least one replica is needed")
    fields = {
        "LISTEN": listen,
        "SERVERS": "\n".join(f"        server {r};" for r in replicas),
        "ACCESS_LOG": str(prefix / "access.log"),
        "TEMP": str(prefix / "temp"),
        "DEBUG_HEADERS": ("        add_header X-Explainer-Upstream $upstream_addr always;"
                          if debug_headers else ""),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in fields.items():
        text = text.replace("{{" + name + "}}", value)
    left = re.findall(r"\{\{[A-Z_]+\}\}", text)
    if left:
        raise ValueError(f"{TEMPLATE} has fields render_nginx_conf does not fill: {left}")
    return text


def write_nginx_conf(prefix: Path, listen: str, replicas: list[str],
                     debug_headers: bool = False) -> Path:
    """Write ``prefix/nginx.conf`` (and the temp folders it names); return its path."""
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(render_nginx_conf(listen, replicas, prefix, debug_headers), encoding="utf-8")
    return conf


def nginx_command(conf: Path, prefix: Path) -> list[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"),
            "-g", f"daemon off; pid {prefix / 'nginx.pid'};"]


def start_nginx(conf: Path, prefix: Path) -> subprocess.Popen:
    """nginx in the foreground (``daemon off``), so its process id is the one to stop.
    The configuration is checked first (``-t``), so a bad one fails here with nginx's words."""
    check = subprocess.run([*nginx_command(conf, prefix), "-t"], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"nginx -t refused {conf}:\n{check.stderr}")
    log = open(prefix / "nginx.out", "w", encoding="utf-8")  # noqa: SIM115 (lives with nginx)
    return subprocess.Popen(nginx_command(conf, prefix), stdout=log, stderr=subprocess.STDOUT)


def start_redis(port: int, workdir: Path) -> subprocess.Popen:
    """A private ``redis-server`` on 127.0.0.1:``port`` that writes nothing to disk."""
    workdir.mkdir(parents=True, exist_ok=True)
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    log = open(workdir / "redis.log", "w", encoding="utf-8")  # noqa: SIM115 (lives with redis)
    return subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=log, stderr=subprocess.STDOUT,
    )


def wait_for_redis(url: str, proc: subprocess.Popen | None = None,
                   limit_s: float = 30) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + limit_s
    try:
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {proc.returncode}")
            try:
                if client.ping():
                    return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError(f"Redis at {url} did not answer in {limit_s} s")
    finally:
        client.close()


def replica_env(redis_url: str, base: dict | None = None) -> dict:
    """The environment of each replica: the shared Redis, and one torch thread per replica
    (replicas, not torch threads, share out the cores: two torch threads on two busy cores
    made a trace ten times slower; README, Performance). Everything else comes from
    .streamlit/config.toml, read from the repository root where replicas start."""
    return {**(os.environ if base is None else base), "REDIS_URL": redis_url,
            "OMP_NUM_THREADS": "1"}


def start_replica(port: int, env: dict, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 (lives with the replica)
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--server.runOnSave", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def wait_for_http(url: str, proc: subprocess.Popen, limit_s: float = START_LIMIT_S) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode} before {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {limit_s} s")


def stop(proc: subprocess.Popen | None) -> None:
    """Stop one process we started, by its own id: TERM, then KILL if it lingers."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_WAIT_S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.school", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1,
                        help="app processes (default: one per core)")
    parser.add_argument("--port", type=int, default=8080, help="where nginx listens")
    parser.add_argument("--host", default="0.0.0.0", help="nginx's address (default: all)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""),
                        help="a Redis shared by the replicas (default: start a private one)")
    parser.add_argument("--dir", type=Path, default=ROOT / "runs" / "school",
                        help="configuration, logs and temp files")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    prefix = args.dir.resolve()
    prefix.mkdir(parents=True, exist_ok=True)

    procs: list[subprocess.Popen] = []
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        redis_url = args.redis_url
        if not redis_url:
            redis_port = free_port()
            procs.append(start_redis(redis_port, prefix / "redis"))
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
        wait_for_redis(redis_url, procs[0] if procs else None)
        ports = [free_port() for _ in range(args.replicas)]
        replicas = []
        for i, port in enumerate(ports):
            replicas.append(start_replica(port, replica_env(redis_url),
                                          prefix / f"replica-{i}.log"))
        procs.extend(replicas)
        for port, proc in zip(ports, replicas):
            wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", proc)
        conf = write_nginx_conf(prefix, f"{args.host}:{args.port}",
                                [f"127.0.0.1:{p}" for p in ports])
        procs.append(start_nginx(conf, prefix))
        print(f"{args.replicas} replicas behind http://{args.host}:{args.port} "
              f"(Redis {redis_url}); logs in {prefix}. Ctrl-C stops everything.", flush=True)
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(0.5)
        dead = [p.args[0] for p in procs if p.poll() is not None]
        if dead and not stopping:
            print(f"stopped because {dead[0]} exited; see the logs in {prefix}", file=sys.stderr)
            return 1
        return 0
    finally:
        for proc in reversed(procs):
            stop(proc)


if __name__ == "__main__":
    sys.exit(main())
