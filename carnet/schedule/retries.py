"""Tasks that meet a moment's absence (the blob store cut or hung, the database restarting) run again
later instead of failing for good: ``@retried`` under ``@task`` puts the same task back in the queue with
``run_after`` = now + a delay that doubles each time (``CARNET_TASK_RETRY_SECONDS`` first, one hour at
most), a bounded number of attempts; the last attempt's error fails the task as before. Only for tasks
that are safe to run twice (carnet's are: see ``carnet.ops.workers``). Nothing of the task's arguments is
logged (they may name a document): the task's name and the attempt only."""

import datetime
import functools
import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from carnet.vault.errors import StoreUnavailable

logger = logging.getLogger(__name__)

TRANSIENT = (StoreUnavailable, OperationalError, InterfaceError)
MAX_DELAY_SECONDS = 3600


def delay_seconds(attempt: int) -> int:
    """The wait before attempt ``attempt + 1``."""
    return min(settings.CARNET_TASK_RETRY_SECONDS * 2 ** (attempt - 1), MAX_DELAY_SECONDS)


def retried(attempts: int = 4):
    def wrap(function):
        @functools.wraps(function)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return function(*args, **kwargs)
            except TRANSIENT:
                if attempt >= attempts:
                    raise
                # the module's name is the task (``@task`` wraps this function): it is queued again
                task = getattr(sys.modules[function.__module__], function.__name__)
                wait = delay_seconds(attempt)
                later = task.using(run_after=timezone.now() + datetime.timedelta(seconds=wait))
                later.enqueue(*args, attempt=attempt + 1, **kwargs)
                logger.warning(
                    "task %s met an unavailable store or database: attempt %d of %d in %d s",
                    function.__name__,
                    attempt + 1,
                    attempts,
                    wait,
                )
                return None

        return run

    return wrap
