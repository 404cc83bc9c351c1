"""The handler the fuzz campaign serves with `python -m pollforjobs.server --handler
tests.support.hostile_handler:FaultyQueue`: the bundled job queue, plus an injected fault.

Polling the action type whose provider is `INJECTED_FAULT` raises an ordinary exception in
the handler (the server must answer 500 InternalFailure, and nothing else may be a 5xx).
The queue is seeded from the JSON file named by the `HOSTILE_SEED_FILE` environment
variable; its jobs carry canary artifact credentials (tests/support/canary.py).
"""

from __future__ import annotations

import os

from pollforjobs import models
from pollforjobs.jobqueue import JobQueue, Lifecycle

INJECTED_FAULT = "InjectFault"
SEED_FILE_VARIABLE = "HOSTILE_SEED_FILE"


class InjectedFault(RuntimeError):
    pass


class FaultyQueue(JobQueue):
    def __init__(self) -> None:
        # The campaigns check that each seeded job is handed out once; on a slow machine a
        # campaign outlasts the default 60 s window and would see redeliveries.
        super().__init__(lifecycle=Lifecycle(redelivery_seconds=10**7))
        seed = os.environ.get(SEED_FILE_VARIABLE)
        if seed:
            self.add_seed_file(seed)

    # async: the server runs it on the event loop, as it runs the bundled queue.
    async def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:  # type: ignore[override]
        if request.action_type_id.provider == INJECTED_FAULT:
            raise InjectedFault("a fault injected by the test handler")
        return super().poll_for_jobs(request)
