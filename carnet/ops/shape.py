"""carnet deploy-local: the production shape on one machine, started and stopped as one.

Two gunicorn app servers behind HAProxy (health checks on the readiness page), two task workers and one for
the indexing queue (conditions and drugs found in the documents), PostgreSQL
primary plus a streaming standby (pg_basebackup, its own port and directory) behind PgBouncer (transaction
pooling), blobs in an S3 server (moto's; MinIO in production), signed checkpoints exported to a second
bucket. Restarting what dies (app servers, workers) is done here as systemd's ``Restart=always`` would.

No Django here: this module only starts processes; the app's settings come from ``Shape.env``.
"""

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3

from carnet.ops import shape_files

PG_BIN = Path(os.environ.get("CARNET_PG_BIN", "/usr/lib/postgresql/15/bin"))
BLOBS, CHECKPOINTS = "carnet-blobs", "carnet-checkpoints"


def _as_postgres() -> list[str]:
    """PostgreSQL and PgBouncer refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def wait_http(port: int, path: str, timeout: float = 90.0, ok=(200,)) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):  # not listening yet
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            status = conn.getresponse().status
            conn.close()
            if status in ok:
                return status
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered {path} on port {port} in {timeout:.0f} s")


class Shape:
    def __init__(
        self,
        root: Path,
        base_port: int = 8170,
        pg_port: int = 5470,
        app_servers: int = 2,
        web_workers: int = 2,
        threads: int = 4,
        synchronous: bool = False,
        fresh: bool = False,
        indexing_workers: int = 1,
    ):
        self.root = Path(root).resolve()
        self.front, self.pgbouncer_port, self.s3_port = base_port, base_port + 6, base_port + 4
        self.moto_port, self.spare_port = (
            base_port + 5,
            base_port + 7,
        )  # S3 server behind HAProxy; faults' app
        self.app_ports = [base_port + 1 + n for n in range(app_servers)]
        self.primary_port, self.standby_port = pg_port, pg_port + 1
        self.web_workers, self.threads, self.synchronous = web_workers, threads, synchronous
        self.indexing_workers = indexing_workers
        self.primary_dir, self.standby_dir = self.root / "pg-primary", self.root / "pg-standby"
        self.logs = self.root / "logs"
        self.processes: dict[str, subprocess.Popen] = {}
        self.restarts: dict[str, int] = {}
        self.paused: set[str] = set()  # stopped on purpose: not restarted
        self.health = "/etat/pret/"
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        if fresh and self.root.exists():
            self._stop_postgres_quietly()
            shutil.rmtree(self.root)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)

    # -- settings of the app processes ---------------------------------------------------------------
    @property
    def env(self) -> dict:
        secret = self.root / "secret_key"
        if not secret.exists():
            secret.write_text(secrets.token_urlsafe(64))
        s3 = f"http://127.0.0.1:{self.s3_port}"
        return dict(
            os.environ,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{self.pgbouncer_port}/carnet",
            CARNET_STANDBY_DATABASE_URL=f"postgres://postgres@127.0.0.1:{self.pgbouncer_port}/carnet_standby",
            CARNET_DB_TRANSACTION_POOLING="true",
            CARNET_DB_CONN_MAX_AGE="60",
            CARNET_SECRET_KEY=secret.read_text(),
            CARNET_DATA_DIR=str(self.root / "data"),
            CARNET_KEY_DIR=str(self.root / "keys"),
            CARNET_BLOB_STORE="s3",
            CARNET_S3_ENDPOINT=s3,
            CARNET_S3_BUCKET=BLOBS,
            CARNET_S3_ACCESS_KEY="carnet",
            CARNET_S3_SECRET_KEY="carnet-local-only",
            CARNET_CHECKPOINT_COPY=f"s3://{CHECKPOINTS}/journal",
            CARNET_EMBEDDED_WORKER="false",
            CARNET_SITE_URL=f"http://127.0.0.1:{self.front}",
            CARNET_ALLOWED_HOSTS="127.0.0.1,localhost",
            CARNET_SCHEDULE_TICK_SECONDS="5",
            CARNET_CHECKPOINT_MINUTES="1",
            CARNET_STATS_REFRESH_MINUTES="5",
            CARNET_STATS_LAG_SECONDS="30",
            AWS_EC2_METADATA_DISABLED="true",
        )

    @property
    def primary_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.primary_port}/carnet"

    # -- start and stop ------------------------------------------------------------------------------
    def start(self) -> "Shape":
        began = time.monotonic()
        self._refuse_if_running()
        self.start_postgres()
        self.start_pgbouncer()
        self.start_s3()
        self.prepare_database()
        for n in range(len(self.app_ports)):
            self.start_app(n)
        for n in range(len(self.app_ports)):
            wait_http(self.app_ports[n], "/fhir/metadata")
        self._choose_health_path()
        self.start_haproxy()
        for name, command in self.task_workers().items():
            self._spawn(name, command, env=self.env)
        wait_http(self.front, self.health)
        threading.Thread(target=self._supervise, daemon=True, name="shape-supervisor").start()
        self.started_in = round(time.monotonic() - began, 1)
        self.write_state()
        return self

    def stop(self) -> None:
        self._stopping.set()
        for name in list(self.processes)[::-1]:
            self._terminate(name)
        self._stop_postgres_quietly()
        (self.root / "state.json").unlink(missing_ok=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- PostgreSQL: primary, standby, PgBouncer -----------------------------------------------------
    def _pg(self, *args, check=True, **kwargs):
        return subprocess.run([*_as_postgres(), *map(str, args)], check=check, capture_output=True, **kwargs)  # noqa: S603

    def _own(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

    def start_postgres(self) -> None:
        if not (self.primary_dir / "PG_VERSION").exists():
            self.primary_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._own(self.primary_dir)
            self._pg(
                PG_BIN / "initdb", "-D", self.primary_dir, "-U", "postgres", "--auth=trust", "-E", "UTF8"
            )
            sockets = self.root / "sockets"
            sockets.mkdir(exist_ok=True)
            self._own(sockets)
            conf = shape_files.postgresql_conf(
                self.primary_port, sockets, False
            )  # synchronous once a standby streams
            with (self.primary_dir / "postgresql.conf").open("a") as handle:
                handle.write(conf)
        self.pg_ctl(self.primary_dir, "start")
        if not (self.standby_dir / "PG_VERSION").exists():
            self._psql(self.primary_port, "CREATE DATABASE carnet", check=False)
            self.make_standby(self.primary_port, self.standby_dir, self.standby_port)
        self.pg_ctl(self.standby_dir, "start")
        names = "standby1" if self.synchronous else ""  # the option may change from one start to the next
        self._psql(self.primary_port, f"ALTER SYSTEM SET synchronous_standby_names = '{names}'")
        self._psql(self.primary_port, "SELECT pg_reload_conf()")

    def make_standby(self, from_port: int, directory: Path, port: int) -> None:
        """pg_basebackup of the running primary; streaming replication from it, slot ``standby1``."""
        self._psql(from_port, "SELECT pg_drop_replication_slot('standby1')", check=False)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory.chmod(0o700)
        self._own(directory)
        self._pg(
            PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", from_port, "-U", "postgres", "-D", directory,
            "-R", "-X", "stream", "-C", "-S", "standby1", "-c", "fast",
        )  # fmt: skip
        extra = (
            f"\nport = {port}\nprimary_conninfo = 'host=127.0.0.1 port={from_port} user=postgres "
            f"application_name=standby1'\nprimary_slot_name = 'standby1'\n"
        )
        with (directory / "postgresql.auto.conf").open("a") as handle:
            handle.write(extra)

    def pg_ctl(self, directory: Path, action: str, *extra: str) -> None:
        log = self.logs / f"{directory.name}.log"
        if not log.exists():
            log.touch()
            self._own(log)
        self._pg(PG_BIN / "pg_ctl", "-D", directory, "-l", log, "-w", "-t", "60", action, *extra)

    def _psql(self, port: int, sql: str, check=True, database="postgres") -> str:
        command = [PG_BIN / "psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", database]
        done = subprocess.run([*map(str, command), "-At", "-c", sql], capture_output=True, text=True)  # noqa: S603
        if check and done.returncode:
            raise RuntimeError(done.stderr)
        return done.stdout.strip()

    def psql(self, sql: str, port: int | None = None) -> str:
        return self._psql(port or self.primary_port, sql, database="carnet")

    def fail_over(self, downtime) -> dict:
        """The primary is lost (kill -9 of its postmaster); the standby is promoted and PgBouncer sent to it
        (docs/reliability.md, "Promotion"); then a new standby is made from it where the old primary was.
        ``downtime(since)`` says when deposits were acknowledged again."""
        began = time.monotonic()
        old_dir, old_port = self.primary_dir, self.primary_port
        new_dir, new_port = self.standby_dir, self.standby_port
        pid = self.postmaster_pid(old_dir)
        if pid:
            os.kill(pid, signal.SIGKILL)
        self.pg_ctl(new_dir, "promote")  # 1. the standby becomes the primary
        if self.synchronous:  # 2. no standby yet: commits must not wait for one
            self._psql(new_port, "ALTER SYSTEM SET synchronous_standby_names = ''")
            self._psql(new_port, "SELECT pg_reload_conf()")
        self.write_pgbouncer(new_port, new_port)  # 3. PgBouncer to the new primary
        self.reload_pgbouncer()
        promoted = time.monotonic() - began
        back = downtime(began)
        rebuilt_at = time.monotonic()
        self._wait_postmaster_gone(old_dir)
        shutil.rmtree(old_dir)  # 4. a new standby where the old primary was
        self.make_standby(new_port, old_dir, old_port)
        self.pg_ctl(old_dir, "start")
        self.primary_dir, self.primary_port, self.standby_dir, self.standby_port = (
            new_dir,
            new_port,
            old_dir,
            old_port,
        )
        if self.synchronous:  # 5. synchronous again once the standby streams
            self._psql(new_port, "ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
            self._psql(new_port, "SELECT pg_reload_conf()")
        self.write_pgbouncer(self.primary_port, self.standby_port)
        self.reload_pgbouncer()
        return {
            "promoted_and_pgbouncer_moved_s": round(promoted, 2),
            "deposits_back_after_s": back,
            "new_standby_in_s": round(time.monotonic() - rebuilt_at, 1),
        }

    def _wait_postmaster_gone(self, directory: Path, timeout: float = 30) -> None:
        """Backends of a killed postmaster notice and exit; the directory is free once none is left."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = subprocess.run(["pgrep", "-f", f"postgres -D {directory}"], capture_output=True)  # noqa: S603, S607
            busy = subprocess.run(["fuser", "-s", str(directory / "postmaster.pid")], capture_output=True)  # noqa: S603, S607
            if found.returncode and busy.returncode:
                return
            time.sleep(0.2)

    def postmaster_pid(self, directory: Path) -> int | None:
        try:
            return int((directory / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _stop_postgres_quietly(self) -> None:
        for directory in (self.standby_dir, self.primary_dir):
            if (directory / "postmaster.pid").exists():
                self._pg(PG_BIN / "pg_ctl", "-D", directory, "-m", "fast", "-w", "stop", check=False)

    def write_pgbouncer(self, primary: int, standby: int) -> None:
        (self.root / "pgbouncer-users.txt").write_text('"postgres" ""\n')
        ini = self.root / "pgbouncer.ini"
        ini.write_text(shape_files.pgbouncer_ini(self.root, self.pgbouncer_port, primary, standby))
        for path in (ini, self.root / "pgbouncer-users.txt", self.logs):
            self._own(path)

    def start_pgbouncer(self) -> None:
        self.write_pgbouncer(self.primary_port, self.standby_port)
        self._spawn("pgbouncer", [*_as_postgres(), "pgbouncer", str(self.root / "pgbouncer.ini")])
        self._wait_port(self.pgbouncer_port)

    def reload_pgbouncer(self) -> None:
        """PgBouncer reads its file again (new addresses) without dropping its clients."""
        os.kill(int((self.root / "sockets" / "pgbouncer.pid").read_text().split()[0]), signal.SIGHUP)

    # -- blobs: moto's S3 server ---------------------------------------------------------------------
    def start_s3(self) -> None:
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.moto_port)]
        self._spawn("s3", command)
        self._wait_port(self.moto_port)
        client = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.moto_port}",
            aws_access_key_id="carnet",
            aws_secret_access_key="carnet-local-only",
            region_name="us-east-1",
        )
        for bucket in (BLOBS, CHECKPOINTS):
            client.create_bucket(Bucket=bucket)

    # -- the app: migrations, keys, gunicorn, workers, HAProxy ---------------------------------------
    def carnet(self, *args: str, env: dict | None = None, check=True) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "carnet.cli", *args]
        return subprocess.run(command, env=env or self.env, check=check, capture_output=True, text=True)  # noqa: S603

    def prepare_database(self) -> None:
        direct = dict(self.env, DATABASE_URL=self.primary_url, CARNET_DB_TRANSACTION_POOLING="false")
        direct.pop("CARNET_STANDBY_DATABASE_URL")
        self.carnet("migrate", "--noinput", env=direct)
        if not (self.root / "keys" / "kek.json").exists():
            self.carnet("keys", "init", env=direct)

    def app_command(self, n: int) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "carnet.wsgi:application",
            "--bind", f"127.0.0.1:{self.app_ports[n]}", "--workers", str(self.web_workers),
            "--threads", str(self.threads), "--worker-class", "gthread", "--preload",
            "--timeout", "30", "--graceful-timeout", "5", "--no-control-socket",
        ]  # fmt: skip

    def start_app(self, n: int) -> None:
        self._spawn(f"app{n + 1}", self.app_command(n), env=self.env)

    def task_workers(self) -> dict[str, list[str]]:
        """Two workers of the default and notification queues (the scheduler runs in them), and the indexing
        queue on workers of its own: their language pipeline holds ~0.8 GB each."""
        worker = [sys.executable, "-m", "carnet.cli", "worker", "--no-startup-delay"]
        commands = {
            f"worker{n + 1}": [*worker, "--queue-name", "default,notifications", "--interval", "0.2"]
            for n in range(2)
        }
        for n in range(self.indexing_workers):
            commands[f"indexer{n + 1}"] = [
                *worker,
                "--queue-name",
                "indexing",
                "--no-schedule",
                "--interval",
                "0.5",
            ]
        return commands

    def _choose_health_path(self) -> None:
        """/readyz?scope=server where the app has it (this server's database and keys), else the key
        readiness page."""
        try:
            wait_http(self.app_ports[0], "/readyz?scope=server", timeout=3, ok=(200, 503))
            self.health = "/readyz?scope=server"
        except RuntimeError:
            self.health = "/etat/pret/"

    def start_haproxy(self) -> None:
        for code in (502, 503, 504):
            (self.root / f"haproxy-{code}.http").write_text(shape_files.haproxy_error(code))
        cfg = self.root / "haproxy.cfg"
        s3 = (self.s3_port, self.moto_port)
        cfg.write_text(shape_files.haproxy_cfg(self.root, self.front, self.app_ports, self.health, s3))
        self._spawn("haproxy", ["haproxy", "-f", str(cfg), "-db"])
        self._wait_port(self.front)

    def haproxy(self, command: str) -> str:
        """A command on HAProxy's admin socket (``disable server app/app2``, ``show stat``...)."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.root / "haproxy.sock"))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    # -- processes -----------------------------------------------------------------------------------
    def _spawn(self, name: str, command: list[str], env: dict | None = None) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.root
        )
        with self._lock:
            self.processes[name] = process
            self.commands = getattr(self, "commands", {})
            self.commands[name] = (command, env)

    def _terminate(self, name: str) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def kill(self, name: str, group: bool = True) -> None:
        """kill -9 of a process (and, with ``group``, every process it started: a gunicorn master and its
        workers)."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL) if group else process.kill()

    def restart(self, name: str) -> None:
        command, env = self.commands[name]
        self._spawn(name, command, env)
        self.restarts[name] = self.restarts.get(name, 0) + 1

    def _supervise(self) -> None:
        while not self._stopping.wait(0.05):
            for name in list(self.processes):
                if not name.startswith(("app", "worker", "indexer")) or name in self.paused:
                    continue
                process = self.processes[name]
                if process.poll() is not None and not self._stopping.is_set():
                    process.wait()
                    self.restart(name)

    def _wait_port(self, port: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"nothing listens on port {port}")

    def _refuse_if_running(self) -> None:
        try:
            pid = json.loads((self.root / "state.json").read_text())["supervisor_pid"]
            os.kill(pid, 0)
        except (OSError, ValueError, KeyError):
            return
        if pid != os.getpid():
            raise RuntimeError(f"this shape runs already (process {pid}): stop it first")

    def write_state(self) -> None:
        state = {
            "front": f"http://127.0.0.1:{self.front}/",
            "app_servers": self.app_ports,
            "pgbouncer": self.pgbouncer_port,
            "postgres": {"primary": self.primary_port, "standby": self.standby_port},
            "s3": f"http://127.0.0.1:{self.s3_port}",
            "health_check": self.health,
            "synchronous_replication": self.synchronous,
            "pids": {name: process.pid for name, process in self.processes.items()},
            "supervisor_pid": os.getpid(),
        }
        (self.root / "state.json").write_text(json.dumps(state, indent=1))
        # The app servers' settings, for an operator's command against the shape (backup, drill, bench).
        names = [k for k in self.env if k.startswith(("CARNET_", "DATABASE_URL", "AWS_"))]
        lines = [f"export {k}='{self.env[k]}'" for k in sorted(names)]
        (self.root / "app.env").write_text("\n".join(lines) + "\n")
        (self.root / "app.env").chmod(0o600)
