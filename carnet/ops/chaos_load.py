"""The steady load of a chaos run: deposits (ITI-65 bundles) and reads through HAProxy, every answer kept.

Each deposit has its own document identifier; a client does not retry, so an answer in 2xx is one
acknowledged deposit, and any other answer is a deposit the client knows nothing about (it may or may not
be recorded; sending it again with the same identifier would be recorded once)."""

import http.client
import json
import random
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection

from carnet.bench import fixtures


@dataclass
class Deposit:
    uid: str
    patient_id: int
    status: int
    at: float
    sent: float = 0.0
    document_id: str = ""
    retry_after: bool = False
    phase: str = ""
    through: str = "front"  # HAProxy, or the server of a phase that deposits to it directly


@dataclass
class Tally:
    deposits: list = field(default_factory=list)
    reads: Counter = field(default_factory=Counter)  # (phase, status) -> n
    phase: str = "steady"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledged(self) -> list[Deposit]:
        return [d for d in self.deposits if 200 <= d.status < 300]

    def statuses(self) -> dict:
        counts: Counter = Counter()
        for deposit in self.deposits:
            counts[f"deposit {deposit.status}"] += 1
        for (_phase, status), n in self.reads.items():
            counts[f"read {status}"] += n
        return dict(sorted(counts.items()))

    def by_phase(self) -> dict:
        out: dict = {}
        for deposit in self.deposits:
            phase = out.setdefault(deposit.phase, Counter())
            phase[f"deposit {deposit.status}"] += 1
            phase["deposit 503 with Retry-After"] += deposit.status == 503 and deposit.retry_after
        for (phase, status), n in self.reads.items():
            out.setdefault(phase, Counter())[f"read {status}"] += n
        return {name: dict(sorted(c.items())) for name, c in out.items()}


def _fill(template: str, patient_id: int) -> tuple[bytes, str]:
    uid = str(uuid.uuid4())
    body = template.replace("@PATIENT@", str(patient_id)).replace("@UID@", uid)
    for name in ("@N1@", "@N2@", "@N3@"):
        body = body.replace(name, str(uuid.uuid4()))
    return body.encode(), uid


def _document_id(payload: bytes) -> str:
    """The deposited document's id in a transaction response, or "" when the answer is not one."""
    try:
        entries = json.loads(payload).get("entry", [])
        locations = [entry.get("response", {}).get("location", "") for entry in entries]
    except (ValueError, AttributeError):
        return ""
    found = [location.split("/")[1] for location in locations if location.startswith("DocumentReference/")]
    return found[0] if found else ""


class Load:
    """Deposits at ``rate`` per second and reads at ``read_rate`` through ``port``, until ``stop()``."""

    def __init__(self, port: int, rate: float = 6.0, read_rate: float = 6.0, pdf_bytes: int = 30_000):
        self.port, self.rate, self.read_rate = port, rate, read_rate
        gp = fixtures.bench_gp()
        self.patients = fixtures.bench_patients(gp, 10)
        self.credentials = fixtures.SoftwareCredentials(gp)
        connection.close()  # the load's threads open their own
        self.token, self.renewed, self.expires_in = "", 0.0, 900.0
        self.renewals: Counter[str] = Counter()
        self._token_lock = threading.Lock()
        self.template = fixtures.bundle_template(fixtures.pdf_of_size(pdf_bytes))
        self.tally = Tally()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def renew_token(self, seen: str | None = None) -> None:
        """A new bearer token from the token endpoint through HAProxy (private_key_jwt), as the
        professional software does when its token expires (or is refused). ``seen``: the token the caller
        was refused with; if another thread renewed it meanwhile, nothing is asked."""
        with self._token_lock:
            if seen is not None and seen != self.token:
                return
            form = urllib.parse.urlencode(self.credentials.token_form())
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=40)
            try:
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
                conn.request("POST", "/oauth/token/", body=form, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                self.renewals["no answer"] += 1
                return
            finally:
                conn.close()
            self.renewals[str(response.status)] += 1
            if response.status == 200:
                answer = json.loads(payload)
                self.token, self.renewed = answer["access_token"], time.monotonic()
                self.expires_in = float(answer.get("expires_in", 900))

    def _request(self, conn, method, path, body=None):
        if not self.token or time.monotonic() - self.renewed > self.expires_in / 2:
            self.renew_token(self.token)
        token = self.token
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        answer = response.status, response.read(), response.getheader("Retry-After")
        if response.status == 401:
            self.renew_token(token)  # counted as answered 401; the next request has the new token
        return answer

    def _loop(self, every: float, step) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=40)
        rng = random.Random()
        due = time.monotonic()
        while not self._stop.is_set():
            due += every
            try:
                step(conn, rng)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=40)
            wait = due - time.monotonic()
            if wait > 0:
                self._stop.wait(wait)
            else:
                due = time.monotonic()
        conn.close()

    def _deposit(self, conn, rng, through: str = "front") -> None:
        patient = rng.choice(self.patients).pk
        body, uid = _fill(self.template, patient)
        phase, sent = self.tally.phase, time.monotonic()
        try:
            status, payload, retry = self._request(conn, "POST", "/fhir", body)
        except (OSError, http.client.HTTPException):
            status, payload, retry = 0, b"", None  # connection cut: no answer at all
            conn.close()
        deposit = Deposit(uid, patient, status, time.monotonic(), sent, phase=phase, through=through)
        deposit.retry_after = retry is not None
        if 200 <= status < 300:
            deposit.document_id = _document_id(payload)
        with self.tally.lock:
            self.tally.deposits.append(deposit)
        if status == 0:
            raise OSError("no answer")

    def _read(self, conn, rng) -> None:
        with self.tally.lock:
            recent = self.tally.deposits[-200:]
            known = [d.document_id for d in recent if d.document_id and d.through == "front"]
        if not known:
            return
        document = rng.choice(known)
        path = f"/fhir/Binary/{document}" if rng.random() < 0.5 else f"/fhir/DocumentReference/{document}"
        phase = self.tally.phase
        try:
            status, _payload, _retry = self._request(conn, "GET", path)
        except (OSError, http.client.HTTPException):
            status = 0
        with self.tally.lock:
            self.tally.reads[(phase, status)] += 1
        if status == 0:
            raise OSError("no answer")

    def start(self, deposit_clients: int = 3, read_clients: int = 2) -> "Load":
        for _ in range(deposit_clients):
            every = deposit_clients / self.rate
            self._threads.append(
                threading.Thread(target=self._loop, args=(every, self._deposit), daemon=True)
            )
        for _ in range(read_clients):
            every = read_clients / self.read_rate
            self._threads.append(threading.Thread(target=self._loop, args=(every, self._read), daemon=True))
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def first_success_sent_after(self, moment: float) -> float | None:
        """When the first deposit sent after ``moment`` was acknowledged (None: none yet)."""
        with self.tally.lock:
            times = [d.at for d in self.tally.deposits if d.sent >= moment and 200 <= d.status < 300]
        return min(times) if times else None
