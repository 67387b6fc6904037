"""Every task queue has a worker in the production shape and in the container recipe: a queue nobody serves
is work that never happens (the indexing of documents by condition and drug, for one)."""

from pathlib import Path

import yaml
from django.conf import settings

from carnet.ops.shape import Shape

COMPOSE = Path(settings.BASE_DIR) / "deploy" / "compose.yaml"


def _queues(commands) -> set[str]:
    served = set()
    for command in commands:
        if "worker" in command and "--queue-name" in command:
            served |= set(command[command.index("--queue-name") + 1].split(","))
    return served


def test_the_local_shape_serves_every_queue(tmp_path):
    shape = Shape(tmp_path / "shape")
    workers = shape.task_workers()
    assert _queues(workers.values()) == set(settings.TASKS["default"]["QUEUES"])
    assert [name for name, command in workers.items() if "indexing" in command] == ["indexer1"]
    assert all("--no-schedule" in command for name, command in workers.items() if name.startswith("indexer"))


def test_without_an_indexing_worker_the_shape_leaves_that_queue_unserved(tmp_path):
    shape = Shape(tmp_path / "shape", indexing_workers=0)
    assert set(settings.TASKS["default"]["QUEUES"]) - _queues(shape.task_workers().values()) == {"indexing"}


def test_the_compose_file_serves_every_queue():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    commands = [service.get("command", []) for service in services.values()]
    assert _queues(commands) == set(settings.TASKS["default"]["QUEUES"])
