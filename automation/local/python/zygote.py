"""The local target's warm Python (a "zygote"): started once per run by the driver
(automation/local/python/warmPython.ts), it imports the container's heavy libraries
(numpy, pandas, xgboost) once, then forks one child per step script, so that each step
starts with them loaded instead of paying the imports again (docs/local-target.md#performance).

Each child runs its script as `python <script> <args>` would: in its own session (process
group), working folder and environment, with stdin on /dev/null and its own stdout and
stderr pipes, `sys.argv`, `sys.path` (the script's folder, then PYTHONPATH, then the
interpreter's own), a fresh `__main__` module, fresh numpy random state, the interpreter's
handling of SystemExit and of uncaught exceptions (the traceback starts at the script's
frame) and its normal shutdown. A child that crashes takes nothing else down. What differs:
its parent process is the zygote, the hash seed of str is the zygote's, and the variables
the imports themselves set (scikit-learn's KMP_*) are there from the script's start rather
than from its own import of those libraries, and the objects the imports created are frozen
out of its garbage collections (gc.freeze: they are module state, never garbage).

A request is declined (the driver then starts `python` as usual) when the zygote could
not give the script exactly that start: its environment differs from the zygote's in a
variable other than the ones the local target sets per step (SM_*, PYTHONPATH and the job
names; anything else may be read while a library is imported), a folder on its path
holds a module with the name of one already imported here (the script would import
that one), a path is relative or not normalised, or the preload failed or printed
anything.

Protocol. In, on stdin: JSON lines. First {"op": "hello", "env": {...}} (the environment
the zygote was started with; optionally "perStep": [names] that may differ too, e.g. the
test runner's PYTEST_CURRENT_TEST), then {"op": "run", "id": N, "argv": [script, ...],
"cwd": "...", "env": {...}}. Out, on stdout: frames of a 1-byte kind, a 4-byte id and a
4-byte length (big-endian), then the payload:
  R  ready (id 0): JSON {"pid", "preloaded", "unusable", "importsSet", "importsUnset"}
  D  declined: the reason            F  fork failed: the error
  S  started: the child's pid        O / E  the child's stdout / stderr bytes
  W  exited: JSON {"code", "signal"} C  closed: exited, and both pipes at end of file
EOF on stdin ends the zygote; running children are not touched (each is its own session).

Python 3.8+ (the container's), standard library only.
"""
import sys

# What a freshly started interpreter has imported: those modules are shared with any
# script (so they may be shadowed by nothing), everything imported later is the zygote's.
_STARTUP_MODULES = frozenset(sys.modules)

import atexit  # noqa: E402
import builtins  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import importlib.machinery  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import selectors  # noqa: E402
import signal  # noqa: E402
import struct  # noqa: E402
import tempfile  # noqa: E402
import types  # noqa: E402
from typing import Any, Dict, List, Optional, Set  # noqa: E402

HEADER = struct.Struct(">cII")
CHUNK = 65536
# Variables the local target sets per step: none of them is read when a library is imported.
PER_STEP_NAMES = frozenset(["PYTHONPATH", "TRAINING_JOB_NAME", "TRAINING_JOB_ARN", "PROCESSING_JOB_NAME"])
PER_STEP_PREFIX = "SM_"
MODULE_SUFFIXES = tuple(importlib.machinery.all_suffixes())


def per_step(name: str) -> bool:
    return name in PER_STEP_NAMES or name.startswith(PER_STEP_PREFIX)


class Channel:
    """The framed output to the driver (a dedicated descriptor: nothing else writes to it)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, kind: bytes, ident: int, payload: bytes = b"") -> None:
        data = HEADER.pack(kind, ident, len(payload)) + payload
        try:
            while data:
                data = data[os.write(self.fd, data):]
        except BrokenPipeError:
            os._exit(0)  # the driver is gone


class Step:
    def __init__(self, ident: int, pid: int, stdout: int, stderr: int) -> None:
        self.ident = ident
        self.pid = pid
        self.stdout = stdout
        self.open: Set[int] = {stdout, stderr}
        self.reaped = False


class Zygote:
    def __init__(self, channel: Channel, base_path: List[str], unusable: Optional[str], started_env: Dict[str, str]) -> None:
        self.channel = channel
        self.base_path = base_path
        self.unusable = unusable
        self.launch_env: Optional[Dict[str, str]] = None
        self.per_step_names: Set[str] = set()
        # The environment as the interpreter's start left it (PEP 538 locale coercion may add LC_CTYPE).
        self.started_env = started_env
        # What the imports changed in it (scikit-learn, imported by xgboost, sets KMP_* variables):
        # a child starts as a process that has made those imports, so it gets the same changes.
        self.imports_set = {k: v for k, v in os.environ.items() if started_env.get(k) != v}
        self.imports_unset = [k for k in started_env if k not in os.environ]
        self.added_env: Dict[str, str] = {}
        self.selector = selectors.DefaultSelector()
        self.steps: Dict[int, Step] = {}
        self.by_fd: Dict[int, Step] = {}
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)

    # -- the loop -------------------------------------------------------------------------

    def serve(self) -> None:
        signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        self.selector.register(0, selectors.EVENT_READ, None)
        self.selector.register(self.wake_r, selectors.EVENT_READ, None)
        pending = b""
        while True:
            for key, _ in self.selector.select():
                fd = key.fd
                if fd == 0:
                    chunk = os.read(0, CHUNK)
                    if not chunk:
                        return
                    pending += chunk
                    while b"\n" in pending:
                        line, pending = pending.split(b"\n", 1)
                        if line.strip():
                            self.handle(json.loads(line))
                elif fd == self.wake_r:
                    try:
                        while os.read(self.wake_r, CHUNK):
                            pass
                    except BlockingIOError:
                        pass
                    self.reap()
                else:
                    self.relay(fd)

    def relay(self, fd: int) -> None:
        step = self.by_fd[fd]
        data = os.read(fd, CHUNK)
        if data:
            self.channel.send(b"O" if fd == step.stdout else b"E", step.ident, data)
            return
        self.selector.unregister(fd)
        os.close(fd)
        del self.by_fd[fd]
        step.open.discard(fd)
        self.maybe_closed(step)

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            step = self.steps.get(pid)
            if step is None:
                continue
            step.reaped = True
            if os.WIFSIGNALED(status):
                number = os.WTERMSIG(status)
                try:
                    name: Optional[str] = signal.Signals(number).name
                except ValueError:
                    name = "SIG%d" % number
                exit_status: Dict[str, Any] = {"code": None, "signal": name}
            else:
                exit_status = {"code": os.WEXITSTATUS(status), "signal": None}
            self.channel.send(b"W", step.ident, json.dumps(exit_status).encode())
            self.maybe_closed(step)

    def maybe_closed(self, step: Step) -> None:
        if step.reaped and not step.open:
            del self.steps[step.pid]
            self.channel.send(b"C", step.ident)

    # -- requests -------------------------------------------------------------------------

    def handle(self, request: Dict[str, Any]) -> None:
        if request.get("op") == "hello":
            self.launch_env = dict(request["env"])
            self.per_step_names = set(request.get("perStep", []))
            self.added_env = {k: v for k, v in self.started_env.items() if self.launch_env.get(k) != v}
            return
        if request.get("op") != "run":
            return  # nothing else is asked of it
        ident = int(request["id"])
        reason = self.unusable or self.decline_reason(request)
        if reason:
            self.channel.send(b"D", ident, reason.encode())
            return
        try:
            pid, out_r, err_r = self.fork(request)
        except OSError as error:
            self.channel.send(b"F", ident, str(error).encode())
            return
        step = Step(ident, pid, out_r, err_r)
        self.steps[pid] = step
        for fd in (out_r, err_r):
            self.by_fd[fd] = step
            self.selector.register(fd, selectors.EVENT_READ, None)
        self.channel.send(b"S", ident, str(pid).encode())

    def decline_reason(self, request: Dict[str, Any]) -> Optional[str]:
        if self.launch_env is None:
            return "no hello"
        argv: List[str] = request["argv"]
        cwd: str = request["cwd"]
        env: Dict[str, str] = request["env"]
        script = argv[0] if argv else ""
        if not os.path.isabs(script) or os.path.normpath(script) != script or not os.path.isfile(script):
            return "the script %r is not an absolute path to a file" % script
        if not os.path.isabs(cwd) or not os.path.isdir(cwd):
            return "the working folder %r is not an absolute path to a folder" % cwd
        for name in set(env) | set(self.launch_env):
            if not per_step(name) and name not in self.per_step_names and env.get(name) != self.launch_env.get(name):
                return "the step sets %s" % name
        folders: List[Optional[str]] = [os.path.dirname(os.path.realpath(script))]
        folders += self.python_path(env)
        imported = {name.partition(".")[0] for name in sys.modules} - {name.partition(".")[0] for name in _STARTUP_MODULES}
        for folder in folders:
            if folder is None:
                return "PYTHONPATH holds an empty, relative or not normalised entry"
            try:
                entries = os.listdir(folder)
            except OSError:
                continue
            for entry in entries:
                provided = module_name(folder, entry)
                if provided in imported:
                    return "%s in %s has the name of a module imported before the script starts" % (entry, folder)
        return None

    @staticmethod
    def python_path(env: Dict[str, str]) -> List[Optional[str]]:
        value = env.get("PYTHONPATH")
        if not value:
            return []
        return [p if p and os.path.isabs(p) and os.path.normpath(p) == p else None for p in value.split(os.pathsep)]

    def fork(self, request: Dict[str, Any]) -> Any:
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        flush_std_streams()
        try:
            pid = os.fork()
        except OSError:
            for fd in (out_r, out_w, err_r, err_w):
                os.close(fd)
            raise
        if pid == 0:
            try:
                self.become_child(request, out_w, err_w, (out_r, err_r))
            except BaseException as error:  # the zygote failed to set the step up: nothing of the script ran
                try:
                    os.write(2, ("local target: cannot start the script in the warm Python: %r\n" % (error,)).encode())
                finally:
                    os._exit(1)
            run_script(request)  # never returns
        os.close(out_w)
        os.close(err_w)
        return pid, out_r, err_r

    def become_child(self, request: Dict[str, Any], out_w: int, err_w: int, parent_ends: Any) -> None:
        os.setsid()  # its own session and process group: stopping it stops what it starts
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        self.selector.close()
        for fd in list(parent_ends) + list(self.by_fd) + [self.wake_r, self.wake_w, self.channel.fd]:
            os.close(fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        for fd in (null, out_w, err_w):
            if fd > 2:
                os.close(fd)
        os.chdir(request["cwd"])
        env = dict(request["env"])
        for name, value in self.added_env.items():
            env.setdefault(name, value)
        for name in self.imports_unset:
            env.pop(name, None)
        env.update(self.imports_set)
        os.environ.clear()
        os.environ.update(env)
        argv: List[str] = list(request["argv"])
        script = argv[0]
        sys.argv = argv
        if hasattr(sys, "orig_argv"):
            setattr(sys, "orig_argv", [request.get("python", sys.executable)] + argv)
        sys.path[:] = [os.path.dirname(os.path.realpath(script))] + [p for p in self.python_path(env) if p is not None] + self.base_path
        importlib.invalidate_caches()
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed()  # the legacy global generator: fresh entropy, as a new process seeds it


def flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def module_name(folder: str, entry: str) -> Optional[str]:
    """The module an entry of a sys.path folder provides (a package, namespace portion or module file)."""
    if os.path.isdir(os.path.join(folder, entry)):
        return entry
    for suffix in MODULE_SUFFIXES:
        if entry.endswith(suffix):
            return entry[: -len(suffix)]
    return None


def run_script(request: Dict[str, Any]) -> None:
    """Run the script as the interpreter runs `python <script>`, then end the process as it ends."""
    script: str = request["argv"][0]
    main = types.ModuleType("__main__")
    main.__dict__.update(
        __file__=script,
        __cached__=None,
        __loader__=importlib.machinery.SourceFileLoader("__main__", script),
        __spec__=None,
        __package__=None,
        __builtins__=builtins,
        __annotations__={},
    )
    sys.modules["__main__"] = main
    interrupted: List[bool] = []

    def exit_by_sigint() -> None:  # runs last (registered first): as the interpreter ends on an uncaught KeyboardInterrupt
        if interrupted:
            flush_std_streams()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)

    atexit.register(exit_by_sigint)
    try:
        with open(script, "rb") as source:
            code = compile(source.read(), script, "exec", dont_inherit=True)
        exec(code, main.__dict__)
    except SystemExit:
        raise  # the interpreter's own handling: its code, or its message and 1
    except BaseException as error:
        flush_std_streams()
        traceback = error.__traceback__
        error.__traceback__ = traceback.tb_next if traceback is not None else None  # from the script's frame on
        if isinstance(error, KeyboardInterrupt):
            interrupted.append(True)
        sys.excepthook(type(error), error, error.__traceback__)
        raise SystemExit(1) from None
    raise SystemExit(0)


def preload(modules: List[str]) -> Optional[str]:
    """Import the modules with stdout and stderr captured: anything printed makes the zygote unusable."""
    saved_out, saved_err = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 1)
        os.dup2(captured.fileno(), 2)
        failure = None
        try:
            for name in modules:
                importlib.import_module(name)
        except BaseException as error:  # noqa: B902 (any failure: the scripts will meet it themselves)
            failure = "importing %s failed: %r" % (name, error)
        finally:
            flush_std_streams()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
        captured.seek(0)
        printed = captured.read()
    if failure:
        return failure
    if printed:
        return "importing printed %r" % printed[:200].decode("utf-8", "replace")
    return None


def main() -> None:
    if sys.path and sys.path[0] == os.path.dirname(os.path.realpath(__file__)):
        del sys.path[0]  # this file's folder is nobody's import path
    base_path = list(sys.path)
    channel = Channel(os.dup(1))
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # stray prints must never reach the framed channel
    os.close(null)
    started_env = dict(os.environ)
    unusable = preload(sys.argv[1:])
    # What the imports made is never garbage: kept out of every child's collections (each would walk
    # and touch the hundreds of thousands of objects, copying the pages they share with the zygote).
    gc.collect()
    gc.freeze()
    zygote = Zygote(channel, base_path, unusable, started_env)
    preloaded = sorted({name.partition(".")[0] for name in sys.modules} - {name.partition(".")[0] for name in _STARTUP_MODULES})
    ready = {"pid": os.getpid(), "preloaded": preloaded, "unusable": unusable, "importsSet": sorted(zygote.imports_set), "importsUnset": zygote.imports_unset}
    channel.send(b"R", 0, json.dumps(ready).encode())
    zygote.serve()


if __name__ == "__main__":
    main()
