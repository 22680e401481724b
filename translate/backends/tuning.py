"""How a CTranslate2 model is run: device, compute type, threads and batch sizes, decided in one place.

Every setting left at its default (``auto`` or 0) is filled in here from the machine, from what
``bench/engines.py --sweep`` measured (see the README's Performance section):

- CPU: one model replica per core (``inter_threads`` = cores, ``intra_threads`` = 1): small Marian
  batches do not keep two threads busy, two batches at once do (2 cores, quiet, 2026-11-30: 2 x 1
  beat 1 x 2 by 1.3-1.4x at both beams). Batches of at most 48 sentences at beam 1 and 16 at beam
  >= 2 (a beam multiplies the work of each sentence), at most 2,048 padded tokens, spread evenly
  over the replicas: the sweep's best at beam 1 was one balanced batch per replica (96 sentences
  as 2 x 48: 881 tokens/s, against 661 as 6 x 16 and 670 as 64 + 32), at beam 4 batches of 16
  (259 tokens/s, against 220 for 8 and 201 for 32). int8 weights and compute.
- CUDA: one replica per process (the card runs its batch in parallel itself), float16 compute
  where the card supports it, else float32; batches by tokens (16,384 padded tokens, up to 1,024
  sentences) so that a batch fills the card whatever the sentences' lengths. Measured on an H200
  (``bench/gpu.sh``, OPUS-MT-shaped Marian): float16 gave 1.24x the tokens/s of int8_float16 at
  beam 1 and 1.10x at beam 4 at every batch size (int8_float16 halves the weights' memory: set
  ``DRAGOMAN_COMPUTE_TYPE=int8_float16`` where memory is short); batches of 16,384 tokens gave 95 %
  of 32,768's tokens/s for half the memory, 8,192 only 65-80 %.
- The pipeline hands the engine ``chunk`` sentences per call (``DRAGOMAN_CHUNK_SENTENCES``; auto:
  on CPU two batches for every replica, at least 64, so that 16 replicas are not left with 4
  batches; on CUDA two full batches). A call with fewer sentences than its replicas could batch is
  spread over all of them (``translate.backends.base``).

``cores`` is what this process may use: the CPU affinity and, in a container, the cgroup's CPU
quota (a Kubernetes ``limits.cpu``), not the host's core count.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from common.settings import Settings
from translate.models import MissingModelError

CPU_BATCH_TOKENS = 2048
CUDA_BATCH_TOKENS = 16384
CUDA_BATCH_SIZE = 1024
CUDA_COMPUTE_PREFERENCE = ("float16", "float32")
MIN_CHUNK = 64  # sentences per engine call at least: progress is reported after each


class DeviceError(MissingModelError):
    """The model cannot be loaded on the configured device (e.g. DRAGOMAN_DEVICE=cuda without a GPU):
    handled like a missing model (the CLI exits 4, a job's draft fails with this message)."""


@dataclass(frozen=True)
class Plan:
    device: str
    compute_type: str
    inter_threads: int   # batches run at once (model replicas)
    intra_threads: int   # threads per batch (0 on CUDA: CTranslate2's default)
    batch_size: int      # most sentences in one batch
    batch_tokens: int    # most padded tokens (longest x sentences) in one batch
    chunk: int           # sentences the pipeline hands the engine per call

    def describe(self) -> str:
        threads = f"{self.inter_threads}x{self.intra_threads} threads" if self.device == "cpu" else \
            f"{self.inter_threads} replica(s)"
        return (f"{self.device} {self.compute_type}, {threads}, batches of <= {self.batch_size} sentences / "
                f"{self.batch_tokens} tokens, {self.chunk} sentences per call")


def available_cores() -> int:
    """CPU cores this process may use: its affinity, capped by a cgroup CPU quota (rounded up)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    quota = cgroup_cpu_quota()
    return max(1, min(cores, math.ceil(quota)) if quota else cores)


def cgroup_cpu_quota(root: Path = Path("/sys/fs/cgroup")) -> float | None:
    """The container's CPU limit in cores (cgroup v2 ``cpu.max``, else v1 ``cpu.cfs_quota_us``), or None."""
    v2 = _quota(root / "cpu.max")
    return v2 if v2 is not None else _quota(root / "cpu" / "cpu.cfs_quota_us", root / "cpu" / "cpu.cfs_period_us")


def _quota(path: Path, period_path: Path | None = None) -> float | None:
    """Quota / period read from ``path`` ("QUOTA PERIOD" or "max PERIOD" in cgroup v2) or, in cgroup v1,
    from ``path`` and ``period_path`` (a quota of -1 is no limit); None where absent or unlimited."""
    try:
        fields = path.read_text().split() + (period_path.read_text().split() if period_path else [])
        quota, period = int(fields[0]), int(fields[1])
    except (OSError, ValueError, IndexError):  # no such file, "max" (no limit), or garbled
        return None
    return quota / period if quota > 0 and period > 0 else None


def pick_device(setting: str, cuda_devices: int) -> str:
    if setting == "auto":
        return "cuda" if cuda_devices > 0 else "cpu"
    if setting == "cuda" and cuda_devices == 0:
        raise DeviceError("DRAGOMAN_DEVICE=cuda but CTranslate2 sees no CUDA device (no NVIDIA GPU or driver here, "
                          "or a CPU-only ctranslate2 wheel); set DRAGOMAN_DEVICE=cpu or auto")
    return setting


def pick_compute_type(setting: str, device: str, supported: set[str]) -> str:
    """``auto``: int8 on CPU; on CUDA float16 where the card supports it, else float32.
    An explicit type the device does not support is an error naming the ones it does."""
    if setting == "auto":
        if device == "cpu":
            return "int8"
        for kind in CUDA_COMPUTE_PREFERENCE:
            if kind in supported:
                return kind
        return "float32"
    if supported and setting not in supported and setting != "default":
        raise DeviceError(f"DRAGOMAN_COMPUTE_TYPE={setting} is not supported on {device} here; "
                          f"supported: {', '.join(sorted(supported))}")
    return setting


def plan(settings: Settings, cores: int | None = None, cuda_devices: int | None = None,
         supported: set[str] | None = None) -> Plan:
    """The configuration a model is loaded and run with (arguments: the machine, for tests)."""
    if cuda_devices is None or supported is None:
        import ctranslate2

        cuda_devices = ctranslate2.get_cuda_device_count() if cuda_devices is None else cuda_devices
    device = pick_device(settings.device, cuda_devices)
    if supported is None:
        import ctranslate2

        supported = set(ctranslate2.get_supported_compute_types(device))
    compute = pick_compute_type(settings.compute_type, device, supported)
    if device == "cuda":
        size = settings.batch_size or CUDA_BATCH_SIZE
        return Plan(device, compute, settings.inter_threads or 1, 0, size, settings.batch_tokens or CUDA_BATCH_TOKENS,
                    settings.chunk_sentences or 2 * size)
    cores = cores or available_cores()
    inter = settings.inter_threads or (max(1, cores // settings.threads) if settings.threads else cores)
    intra = settings.threads or max(1, cores // inter)
    size = settings.batch_size or (48 if settings.beam_size == 1 else 16)
    return Plan(device, compute, inter, intra, size, settings.batch_tokens or CPU_BATCH_TOKENS,
                settings.chunk_sentences or max(MIN_CHUNK, 2 * inter * size))


def chunk_sentences(settings: Settings) -> int:
    """Sentences the pipeline hands the engine per call (the plan's ``chunk``). Where the configured
    device cannot be used, ``MIN_CHUNK``: a script-only direction needs no model, and a model's own
    loading reports the device error."""
    try:
        return plan(settings).chunk
    except DeviceError:
        return settings.chunk_sentences or MIN_CHUNK
