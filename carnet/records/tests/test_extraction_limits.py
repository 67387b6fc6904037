"""Text extraction runs in a child process with CPU, memory, time and output limits, and notifications have
a queue and a worker of their own (the review: one 52 KB PDF held an emergency notice back 36 s)."""

import sys

import pytest

from carnet import cli
from carnet.notify.tasks import deliver_notification, deliver_security_notice
from carnet.records import extractor
from carnet.records.content import extract_text
from carnet.records.samples import sample_pdf
from carnet.records.tasks import index_document_text


def test_a_pdf_is_read_in_a_child_process():
    assert "Amoxicilline" in extract_text(sample_pdf("Ordonnance", ["Amoxicilline 1 g"]), "application/pdf")


@pytest.mark.parametrize(
    ("program", "limit"),
    [
        ("while True: pass", {"CPU_SECONDS": 1}),  # a parser stuck in a loop: killed at its CPU limit
        ("b = bytearray(4 * 1024 ** 3)", {}),  # a parser that swells: refused memory past the limit
    ],
)
def test_a_runaway_extraction_is_stopped_and_gives_no_text(monkeypatch, program, limit):
    monkeypatch.setattr(extractor, "COMMAND", [sys.executable, "-c", program])
    for name, value in limit.items():
        monkeypatch.setattr(extractor, name, value)
    assert extractor.pdf_text(b"%PDF-1.4") == ""


def test_the_text_kept_is_bounded(monkeypatch):
    monkeypatch.setattr(extractor, "COMMAND", [sys.executable, "-c", "print('x' * 5000)"])
    monkeypatch.setattr(extractor, "MAX_CHARS", 100)
    assert len(extractor.pdf_text(b"%PDF-1.4")) == 100


def test_notifications_and_indexing_are_on_separate_queues():
    assert deliver_notification.queue_name == deliver_security_notice.queue_name == "notifications"
    assert index_document_text.queue_name == "default"


def test_the_embedded_worker_serves_each_queue_in_its_own_process(monkeypatch):
    started = []

    class Recorder:
        def __init__(self, command, **kwargs):
            started.append(command)
            self.pid = 0

    monkeypatch.setattr(cli.subprocess, "Popen", Recorder)
    workers = cli.start_worker(nice=0, quiet=True)
    assert len(workers.processes) == 3
    assert [command[-2:] for command in started] == [
        ["--queue-name", "notifications"],
        ["--queue-name", "default"],
        ["--queue-name", "indexing"],  # the NLP indexing (carnet.indexing): a process of its own
    ]
