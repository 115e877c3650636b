"""Joining one XGBoost Rabit/collective job across the training hosts, and the few collective
operations the script needs beyond xgb.train (which synchronises itself once the job is joined).

join(cluster) uses the SageMaker XGBoost container's own helper when it is importable
(`sagemaker_xgboost_container.distributed.Rabit`: the master starts XGBoost's RabitTracker, every
host connects to it); anywhere else (the local target, the tests) an equivalent made of XGBoost
1.7.4's own `xgboost.tracker.RabitTracker` and `xgboost.collective`.

The operations exchange numbers and JSON text through collective.allreduce on numpy arrays only
(xgboost.collective.broadcast pickles; this code never does).
"""
import contextlib
import json
from typing import Any, Iterator, List, Optional

import numpy as np

from .cluster import Cluster

CONNECT_RETRIES = 60  # rabit's attempts to reach the master's tracker (about a second apart)
TRACKER_JOIN_SECONDS = 30.0


class Collective:
    """The collective operations of one joined job (rank order = host order)."""

    def __init__(self, cluster: Cluster) -> None:
        from xgboost import collective
        self._c = collective
        self.cluster = cluster
        self.rank = collective.get_rank()
        self.world = collective.get_world_size()
        if self.world != cluster.size:
            raise RuntimeError("joined a job of %d workers, expected %d hosts" % (self.world, cluster.size))
        flags = np.full(self.world, -1, dtype=np.int64)
        flags[self.rank] = self.rank if cluster.is_master else -1
        # the master's rank: the container's tracker may rank hosts by address, not by name
        self.master_rank = int(self._c.allreduce(flags, self._c.Op.MAX).max())

    def sum(self, values: "np.ndarray[Any, Any]") -> "np.ndarray[Any, Any]":
        return np.asarray(self._c.allreduce(np.ascontiguousarray(values), self._c.Op.SUM)).reshape(values.shape)

    def gather_bytes(self, data: bytes) -> List[bytes]:
        """Every worker's bytes, in rank order."""
        lengths = np.zeros(self.world, dtype=np.int64)
        lengths[self.rank] = len(data)
        lengths = self.sum(lengths)
        width = max(1, int(lengths.max()))
        buffer = np.zeros((self.world, width), dtype=np.uint8)
        buffer[self.rank, :len(data)] = np.frombuffer(data, dtype=np.uint8)
        buffer = self.sum(buffer)  # every other row is zero: the sum is a gather
        return [buffer[r, :int(lengths[r])].tobytes() for r in range(self.world)]

    def gather_json(self, value: Any) -> List[Any]:
        """Every worker's JSON value, in rank order."""
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return [json.loads(b.decode("utf-8")) for b in self.gather_bytes(text.encode("utf-8"))]

    def from_master(self, data: bytes) -> bytes:
        """The master's bytes on every worker (what the others pass is ignored)."""
        return self.gather_bytes(data if self.rank == self.master_rank else b"")[self.master_rank]


@contextlib.contextmanager
def _own_rabit(cluster: Cluster) -> Iterator[None]:
    """What the container's Rabit context manager does, on xgboost 1.7.4's tracker and collective."""
    from xgboost import collective
    from xgboost.tracker import RabitTracker
    master = cluster.address(cluster.master_host)
    tracker: Optional[RabitTracker] = None
    if cluster.is_master:
        tracker = RabitTracker(host_ip=master, n_workers=cluster.size, port=cluster.port, sortby="task")
        tracker.start(cluster.size)
    # no probe connection first (the container's own tracker copes with one; xgboost 1.7.4's loops on
    # it forever): a worker that starts before the master's tracker listens retries the connection
    collective.init(DMLC_TRACKER_URI=master, DMLC_TRACKER_PORT=cluster.port, DMLC_TASK_ID=str(cluster.rank),
                    DMLC_NUM_WORKER=cluster.size, DMLC_WORKER_CONNECT_RETRY=CONNECT_RETRIES)
    try:
        yield
    finally:
        collective.finalize()
        if tracker is not None and tracker.thread is not None:
            tracker.thread.join(TRACKER_JOIN_SECONDS)


def container_rabit() -> Optional[Any]:
    """The container's Rabit context manager class, or None outside the container."""
    try:
        from sagemaker_xgboost_container.distributed import Rabit
    except ImportError:
        return None
    return Rabit


@contextlib.contextmanager
def join(cluster: Cluster) -> Iterator[Collective]:
    """Join the cluster's job for the duration of the block (a distributed cluster only)."""
    rabit = container_rabit()
    context = (rabit(hosts=cluster.hosts, current_host=cluster.current_host, port=cluster.port)
               if rabit is not None else _own_rabit(cluster))
    with context:
        yield Collective(cluster)

