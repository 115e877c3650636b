"""The training cluster, as SageMaker describes it to the container: the hosts and the current host.

Hosts come from $SM_HOSTS / $SM_CURRENT_HOST (the training toolkit's variables), else from
/opt/ml/input/config/resourceconfig.json, else this is one host. As in the SageMaker XGBoost
container's `sagemaker_xgboost_container.distributed.Rabit`, the hosts are sorted, the master is the
first of them (it runs XGBoost's tracker) and the tracker listens on port 9099.

Two variables of ours, set only by the local target (automation/local/steps/trainingWorkers.ts):
  ML_PIPELINE_TRACKER_PORT     the tracker's port (N workers on one machine need a free one per job)
  ML_PIPELINE_HOST_ADDRESSES   JSON {"algo-1": "127.0.0.1", ...}: what the host names resolve to (the
                               local hosts have no DNS names); unset on SageMaker (DNS resolves them)
"""
import json
import os
import socket
from typing import List, Mapping, NamedTuple, Optional

from .errors import DataError

RESOURCE_CONFIG = "/opt/ml/input/config/resourceconfig.json"
DEFAULT_TRACKER_PORT = 9099  # the container's Rabit default
PORT_VARIABLE = "ML_PIPELINE_TRACKER_PORT"
ADDRESSES_VARIABLE = "ML_PIPELINE_HOST_ADDRESSES"


class Cluster(NamedTuple):
    hosts: List[str]  # sorted
    current_host: str
    port: int
    addresses: Mapping[str, str]  # host name -> address, when DNS cannot resolve them

    @property
    def size(self) -> int:
        return len(self.hosts)

    @property
    def distributed(self) -> bool:
        return len(self.hosts) > 1

    @property
    def master_host(self) -> str:
        return self.hosts[0]

    @property
    def is_master(self) -> bool:
        return self.current_host == self.master_host

    @property
    def rank(self) -> int:
        """The rank XGBoost's tracker gives this host (tasks sorted by their id: the host's index)."""
        return self.hosts.index(self.current_host)

    def address(self, host: str) -> str:
        return self.addresses.get(host) or socket.gethostbyname(host)


def _json_list(text: str, where: str) -> List[str]:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, list) or not value or not all(isinstance(h, str) and h for h in value):
        raise DataError("%s must be a JSON list of host names, got %r" % (where, text[:200]))
    return list(value)


def cluster_from_environment(environ: Mapping[str, str], resource_config: Optional[str] = None) -> Cluster:
    """The cluster this process belongs to (one host when nothing says otherwise)."""
    hosts_text, current = environ.get("SM_HOSTS"), environ.get("SM_CURRENT_HOST")
    where = "SM_HOSTS"
    if not hosts_text:
        path = resource_config or RESOURCE_CONFIG
        if os.path.isfile(path):
            with open(path, "r", encoding="utf-8") as f:
                config = json.load(f)
            hosts_text, current = json.dumps(config.get("hosts")), config.get("current_host")
            where = "%s hosts" % path
    if not hosts_text:
        return Cluster(["algo-1"], "algo-1", DEFAULT_TRACKER_PORT, {})
    hosts = _json_list(hosts_text, where)
    if len(set(hosts)) != len(hosts):
        raise DataError("%s lists a host more than once: %s" % (where, ", ".join(hosts)))
    if not current or current not in hosts:
        raise DataError("the current host %r (SM_CURRENT_HOST) is not one of the hosts %s" % (current, ", ".join(hosts)))
    port_text = environ.get(PORT_VARIABLE) or str(DEFAULT_TRACKER_PORT)
    if not port_text.isdigit() or not 0 < int(port_text) < 65535:
        raise DataError("%s must be a TCP port (1-65534), got %r" % (PORT_VARIABLE, port_text))
    addresses: Mapping[str, str] = {}
    if environ.get(ADDRESSES_VARIABLE):
        try:
            parsed = json.loads(environ[ADDRESSES_VARIABLE])
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
            raise DataError("%s must be a JSON object of host name -> address" % ADDRESSES_VARIABLE)
        addresses = {str(k): v for k, v in parsed.items()}
    return Cluster(sorted(hosts), current, int(port_text), addresses)
