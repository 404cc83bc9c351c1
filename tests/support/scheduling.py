"""How pytest-xdist shares the suite between workers: file by file (module fixtures and
generated packages are built once per file), except the files named here, whose tests are
grouped by their parameter (tests/e2e/test_aws_services.py: one group per AWS service, so that
twelve services do not run on one worker while the others idle). The heaviest groups are
handed out first, so that no worker starts a long one near the end."""

from __future__ import annotations

from typing import Any

from xdist.scheduler import LoadScopeScheduling

SPLIT_BY_PARAMETER = ("tests/e2e/test_aws_services.py",)
# Measured CPU cost order, heaviest first; groups not named keep their collection order after these.
HEAVIEST_FIRST = (
    "tests/e2e/test_aws_services.py[glue]",
    "tests/e2e/test_aws_services.py[ssm]",
    "tests/e2e/test_aws_services.py[ecs]",
    "tests/e2e/test_aws_services.py[dynamodb]",
    "tests/e2e/test_aws_services.py[logs]",
    "tests/e2e/test_aws_services.py[codepipeline]",
    "tests/e2e/test_aws_services.py[codebuild]",
    "tests/e2e/test_aws_services.py[ecr]",
    "tests/e2e/test_aws_services.py[kms]",
    "tests/e2e/test_aws_services.py[kinesis]",
    "tests/e2e/test_aws_services.py[stepfunctions]",
    "tests/e2e/test_aws_services.py[secretsmanager]",
)


def scope_of(nodeid: str) -> str:
    path, _, rest = nodeid.partition("::")
    if path in SPLIT_BY_PARAMETER and rest.endswith("]") and "[" in rest:
        return f"{path}[{rest[rest.index('[') + 1 : -1]}]"
    return path


class HeaviestFirstScheduling(LoadScopeScheduling):
    _ordered = False

    def _split_scope(self, nodeid: str) -> str:
        return scope_of(nodeid)

    def _assign_work_unit(self, node: Any) -> None:
        # The work queue is complete when the first unit is handed out: order it then.
        if not self._ordered:
            self._ordered = True
            rank = {scope: index for index, scope in enumerate(HEAVIEST_FIRST)}
            queued = sorted(enumerate(self.workqueue.items()), key=lambda item: (rank.get(item[1][0], len(rank)), item[0]))
            self.workqueue.clear()
            self.workqueue.update(unit for _, unit in queued)
        super()._assign_work_unit(node)


def make_scheduler(config: Any, log: Any) -> HeaviestFirstScheduling:
    return HeaviestFirstScheduling(config, log)
