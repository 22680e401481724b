"""How CTranslate2 models are run (translate/backends/tuning.py): device and compute type chosen for
the machine, threads and batch sizes from the sweep's rules, container CPU limits, and a clear
error where the configured device cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.settings import Settings
from translate.backends.tuning import DeviceError, cgroup_cpu_quota, chunk_sentences, plan
from translate.models import MissingModelError

pytestmark = pytest.mark.unit

CPU = {"int8", "int8_float32", "float32"}
AMPERE = {"float32", "float16", "bfloat16", "int8", "int8_float16", "int8_float32", "int8_bfloat16"}
PASCAL = {"float32", "float16"}


def test_cpu_runs_one_replica_per_core_with_batches_by_beam():
    beam1 = plan(Settings(beam_size=1), cores=2, cuda_devices=0, supported=CPU)
    assert (beam1.device, beam1.compute_type, beam1.inter_threads, beam1.intra_threads) == ("cpu", "int8", 2, 1)
    assert (beam1.batch_size, beam1.batch_tokens) == (48, 2048)
    beam4 = plan(Settings(beam_size=4), cores=8, cuda_devices=0, supported=CPU)
    assert (beam4.inter_threads, beam4.intra_threads, beam4.batch_size) == (8, 1, 16)


def test_settings_given_win_and_the_rest_fills_the_cores():
    p = plan(Settings(threads=2), cores=8, cuda_devices=0, supported=CPU)
    assert (p.inter_threads, p.intra_threads) == (4, 2)
    p = plan(Settings(inter_threads=1), cores=4, cuda_devices=0, supported=CPU)
    assert (p.inter_threads, p.intra_threads) == (1, 4)
    p = plan(Settings(inter_threads=3, threads=3, batch_size=5, batch_tokens=100), cores=2, cuda_devices=0,
             supported=CPU)
    assert (p.inter_threads, p.intra_threads, p.batch_size, p.batch_tokens) == (3, 3, 5, 100)


def test_auto_device_takes_a_gpu_when_there_is_one():
    assert plan(Settings(), cores=2, cuda_devices=0, supported=CPU).device == "cpu"
    gpu = plan(Settings(), cores=2, cuda_devices=1, supported=AMPERE)
    assert (gpu.device, gpu.compute_type, gpu.inter_threads, gpu.intra_threads) == ("cuda", "float16", 1, 0)
    assert (gpu.batch_tokens, gpu.batch_size, gpu.chunk) == (16384, 1024, 2048)


def test_cuda_computes_in_float16_where_the_card_can_else_float32_and_a_type_given_wins():
    assert plan(Settings(device="cuda"), cuda_devices=1, supported=PASCAL).compute_type == "float16"
    assert plan(Settings(device="cuda"), cuda_devices=1, supported={"float32"}).compute_type == "float32"
    assert plan(Settings(device="cuda", compute_type="int8_float16"), cuda_devices=2,
                supported=AMPERE).compute_type == "int8_float16"


def test_the_pipeline_hands_every_replica_two_batches_per_call():
    assert plan(Settings(beam_size=1), cores=2, cuda_devices=0, supported=CPU).chunk == 2 * 2 * 48
    assert plan(Settings(beam_size=4), cores=1, cuda_devices=0, supported=CPU).chunk == 64  # never below 64
    assert plan(Settings(beam_size=1), cores=16, cuda_devices=0, supported=CPU).chunk == 2 * 16 * 48
    assert plan(Settings(beam_size=4), cores=16, cuda_devices=0, supported=CPU).chunk == 2 * 16 * 16
    assert plan(Settings(chunk_sentences=10), cores=16, cuda_devices=0, supported=CPU).chunk == 10
    assert chunk_sentences(Settings(chunk_sentences=7)) == 7


def test_a_device_that_cannot_be_used_still_gives_a_chunk(monkeypatch):
    """A script-only direction needs no model: DRAGOMAN_DEVICE=cuda without a GPU must not fail it."""
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    assert chunk_sentences(Settings(device="cuda")) == 64
    assert chunk_sentences(Settings(device="cuda", chunk_sentences=9)) == 9


def test_cuda_without_a_gpu_is_a_clear_error():
    with pytest.raises(DeviceError, match="DRAGOMAN_DEVICE=cuda but CTranslate2 sees no CUDA device") as caught:
        plan(Settings(device="cuda"), cores=2, cuda_devices=0, supported=CPU)
    assert isinstance(caught.value, MissingModelError)  # handled like a missing model: CLI exit 4, draft failed


def test_a_compute_type_the_device_lacks_is_named_with_the_supported_ones():
    with pytest.raises(DeviceError, match="int8_float16 is not supported on cpu here; supported: float32, int8"):
        plan(Settings(device="cpu", compute_type="int8_float16"), cores=2, cuda_devices=0, supported=CPU)


def test_loading_with_cuda_where_ctranslate2_sees_no_gpu_is_a_clear_error(tmp_path: Path, monkeypatch):
    import ctranslate2

    from translate.backends.ct2 import Ct2Model

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)  # a CPU-only machine, on any machine
    with pytest.raises(DeviceError, match="set DRAGOMAN_DEVICE=cpu or auto"):
        Ct2Model(tmp_path, Settings(device="cuda"))  # fails before looking at the (empty) directory


@pytest.mark.parametrize(("files", "cores"), [
    ({"cpu.max": "150000 100000\n"}, 1.5),
    ({"cpu.max": "max 100000\n"}, None),
    ({"cpu/cpu.cfs_quota_us": "200000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 2.0),
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({}, None),
])
def test_container_cpu_limits_are_read_from_the_cgroup(tmp_path: Path, files: dict, cores: float | None):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert cgroup_cpu_quota(tmp_path) == cores
