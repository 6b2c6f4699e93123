"""Running a command and measuring it: wall time and peak memory, and summarising repeats."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.02
# Every command run so far: (label, wall seconds, CPU seconds other processes used meanwhile).
HISTORY: list[tuple[str, float, float]] = []


@dataclass(frozen=True)
class Run:
    """One finished command.

    `peak_rss_mb` is the largest resident set of any one process of the command (what the
    kernel reports on wait, as /usr/bin/time does); `peak_tree_mb` is the most the command's
    processes held together (sampled every 20 ms), which is what a parallel build asks of
    the machine, counting a page shared by two processes twice; `peak_tree_pss_mb` is the
    same with each shared page divided between the processes sharing it (PSS).
    """

    seconds: float
    peak_rss_mb: float
    peak_tree_mb: float
    peak_tree_pss_mb: float
    returncode: int
    stdout: str
    stderr: str
    others_cpu: float  # CPU seconds used meanwhile by processes not ours: noise on the figure
    timed_out: bool = False  # stopped at the time limit it was given: `seconds` is that limit

    @property
    def noise(self) -> float:
        """The share of the machine's CPU that processes not ours took during the run."""
        return self.others_cpu / (self.seconds * (os.cpu_count() or 1))


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
        check: bool = True, timeout: float | None = None) -> Run:
    """Run `cmd` to its end, or until `timeout` seconds (then it is killed, and the Run says
    so instead of failing: a tool too slow to finish is a result, not an error)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy_before, self_before = machine_busy(), own_cpu()
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            proc.kill()

        timer = threading.Timer(timeout, stop) if timeout else None
        if timer:
            timer.start()
        # wait4 rather than Popen.wait: it hands back the child's resource usage.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if timer:
            timer.cancel()
        sampler.stop()
        ours = usage.ru_utime + usage.ru_stime + own_cpu() - self_before
        others = max(0.0, machine_busy() - busy_before - ours)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(seconds, usage.ru_maxrss / 1024, sampler.peak / 2**20,
                     sampler.peak_pss / 2**20, proc.returncode,
                     out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                     others, stopped.is_set())
    HISTORY.append((" ".join(Path(str(part)).name for part in cmd[:3]), seconds, others))
    if check and result.returncode != 0 and not result.timed_out:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {result.returncode}:\n"
                           f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result


def machine_busy() -> float:
    """CPU seconds all processes have used since boot, from the first line of /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / TICKS


def own_cpu() -> float:
    """CPU seconds of this process (the sampler's share of the machine's busy time)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def interference() -> tuple[float, str]:
    """The share of the machine other processes took during the runs, and the worst run."""
    cores = os.cpu_count() or 1
    wall = sum(seconds for _, seconds, _ in HISTORY)
    others = sum(cpu for _, _, cpu in HISTORY)
    if not wall:
        return 0.0, ""
    label, seconds, cpu = max(HISTORY, key=lambda run: run[2] / (run[1] * cores))
    return others / (wall * cores), f"{cpu / (seconds * cores):.0%} during `{label} …`"


class TreeSampler(threading.Thread):
    """Samples the summed RSS (and PSS) of a process and all its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.peak_pss = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            pids = tree_pids(self.pid)
            self.peak = max(self.peak, sum(map(rss_bytes, pids)))
            self.peak_pss = max(self.peak_pss, sum(map(pss_bytes, pids)))
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def tree_pids(pid: int) -> list[int]:
    """`pid` and its descendants, as far as they can still be found."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue  # the process ended meanwhile
        found.append(current)
    return found


def rss_bytes(pid: int) -> int:
    """Bytes resident in one process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_BYTES
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return 0


def pss_bytes(pid: int) -> int:
    """One process's proportional share of memory: its own pages, and a share of each page
    it shares with others (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, ValueError, PermissionError):
        pass
    return 0


# Above this share of the CPU taken by others during a run, its figure is marked as disturbed.
NOISY = 0.10


@dataclass(frozen=True)
class Stat:
    """The median and range of repeated measurements, and the worst noise during them."""

    median: float
    low: float
    high: float
    count: int
    noise: float = 0.0

    @classmethod
    def of(cls, values: list[float], noise: float = 0.0) -> Stat:
        return cls(statistics.median(values), min(values), max(values), len(values), noise)

    @classmethod
    def of_runs(cls, runs: list[Run]) -> Stat:
        return cls.of([run.seconds for run in runs], max(run.noise for run in runs))

    def seconds(self) -> str:
        """'1.23 s (1.20–1.31, 3 runs)', or just the figure for a single run; ⚠ if disturbed."""
        mark = " ⚠" if self.noise > NOISY else ""
        if self.count == 1:
            return f"{fmt_s(self.median)} (1 run){mark}"
        return f"{fmt_s(self.median)} ({fmt_s(self.low, unit=False)}–" \
               f"{fmt_s(self.high, unit=False)}, {self.count} runs){mark}"


def fmt_s(seconds: float, unit: bool = True) -> str:
    """Seconds with sensible precision: 0.012 s, 0.35 s, 4.2 s, 312 s."""
    if seconds < 0.1:
        text = f"{seconds:.3f}"
    elif seconds < 10:
        text = f"{seconds:.2f}"
    elif seconds < 100:
        text = f"{seconds:.1f}"
    else:
        text = f"{seconds:.0f}"
    return f"{text} s" if unit else text


def fmt_ms(ms: float) -> str:
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"
