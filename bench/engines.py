"""Throughput of the Marian backends and of the dragoman article pipeline, on one model.

    python bench/engines.py [--beams 1,4] [--sentences 96] [--model DIR]     the defaults, compared
    python bench/engines.py --sweep [--repeat 2]                             every threads x batch setting
    python bench/engines.py --workers 2                                      N processes vs N replicas
    python bench/engines.py --device cuda                                    CTranslate2 vs transformers on a GPU

Without --model it builds (once, into .fixtures/big) a random Marian shaped like OPUS-MT
(6+6 layers, d_model 512, 58,101 tokens) and converts it to CTranslate2 int8; --shape tc-big builds
one shaped like the tc-big models (d_model 1024, 16 heads, FFN 4096, 57,060 tokens) into
.fixtures/tc-big. Every run uses the same sentences (from tests/fixtures/corpus) and the same
decoding limit (a fixed number of output tokens, so random weights cost every backend alike) and
prints generated tokens per second.

Default run, per beam:
- transformers: MarianMTModel.generate on length-sorted batches of 32 (float32),
- ct2 raw:      ctranslate2.Translator.translate_batch on pre-tokenized input, with the
                configuration dragoman picks on this machine (translate/backends/tuning.py),
- pipeline:     dragoman's translate_article over the same sentences as an article through the
                CTranslate2 engine (splitting, tokenizing, batching, detokenizing, QA included),
then ct2/transformers and pipeline/ct2 raw (target: pipeline >= 0.9 x the best raw configuration).
ct2 raw and the pipeline run --repeat times, interleaved; the best run of each counts.

--sweep: raw translate_batch for every (inter_threads, intra_threads) with inter x intra = cores
(and 1 x 1), batched by examples (4..64) and by tokens (256..4096), at each beam: the table, the
best configuration per beam, and the pipeline at dragoman's defaults against that best.

--workers N: N processes each loading the model (inter 1, intra cores/N) against one process
running N batches at once (inter N): total resident memory and tokens/s of each.

--device cuda: CTranslate2 float16 and int8_float16 (batches by tokens) against transformers
float16 on the same card; exits 2 with the reason where no CUDA device is usable.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.languages import Direction  # noqa: E402
from common.settings import Settings  # noqa: E402
from tests.fixtures.build_models import SHAPES, all_sentences, big_dir, build_big  # noqa: E402
from translate.backends.ct2 import Ct2Engine, Ct2Model  # noqa: E402
from translate.backends.tuning import available_cores  # noqa: E402
from translate.models import quiet_transformers  # noqa: E402
from translate.pipeline import translate_article  # noqa: E402
from translate.segment import split_sentences  # noqa: E402

BATCH = 32
EXAMPLES = (4, 8, 16, 32, 64)
TOKENS = (256, 512, 1024, 2048, 4096)


def prepare(model: Path | None, shape: str = "base") -> tuple[Path, Path]:
    import ctranslate2.converters

    hf = model or big_dir(shape)
    if not (hf / "config.json").is_file():
        print(f"building the OPUS-MT-shaped ({shape}) random Marian in {hf} ...", flush=True)
        build_big(hf, shape=shape)
    ct2 = hf.with_name(hf.name + ".ct2")
    if not (ct2 / "model.bin").is_file():
        quiet_transformers()
        ctranslate2.converters.TransformersConverter(str(hf), copy_files=["source.spm", "target.spm"]).convert(
            str(ct2), quantization="int8", force=True)
    return hf, ct2


def bench_sentences(n: int) -> list[str]:
    return [s for s in all_sentences() if len(s.split()) >= 8 and len(split_sentences(s)) == 1][:n]


def settings_for(beam: int, max_new: int, **values) -> Settings:
    """Decoding fixed at ``max_new`` tokens per sentence; the rest as given (else dragoman's auto)."""
    return Settings(beam_size=beam, max_decoding_ratio=0, max_decoding_extra=max_new, **values)


def bench_transformers(hf: Path, sources: list[list[str]], beam: int, max_new: int, threads: int,
                       device: str = "cpu", batch: int = BATCH) -> tuple[int, float]:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    quiet_transformers()
    torch.set_num_threads(threads)
    tok = MarianTokenizer.from_pretrained(str(hf))
    dtype = torch.float16 if device == "cuda" else torch.float32
    model = MarianMTModel.from_pretrained(str(hf), dtype=dtype).to(device).eval()
    ids = [tok.convert_tokens_to_ids(s) for s in sources]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    pad = model.config.pad_token_id
    produced = 0
    start = time.perf_counter()
    with torch.inference_mode():
        for b in range(0, len(order), batch):
            rows = [ids[i] for i in order[b:b + batch]]
            width = max(map(len, rows))
            x = torch.tensor([r + [pad] * (width - len(r)) for r in rows], device=device)
            out = model.generate(input_ids=x, attention_mask=(x != pad).long(), num_beams=beam,
                                 max_new_tokens=max_new, max_length=None)
            for row in out.tolist():
                produced += len([t for t in row[1:] if t not in (pad, tok.eos_token_id)])
    if device == "cuda":
        torch.cuda.synchronize()
    return produced, time.perf_counter() - start


def bench_ct2_raw(translator, sources: list[list[str]], beam: int, max_new: int, batch: int = BATCH,
                  batch_type: str = "examples") -> tuple[int, float]:
    start = time.perf_counter()
    results = translator.translate_batch(sources, beam_size=beam, max_decoding_length=max_new,
                                         max_batch_size=batch, batch_type=batch_type, max_input_length=0)
    elapsed = time.perf_counter() - start
    return sum(len(r.hypotheses[0]) for r in results), elapsed


def bench_pipeline(model: Ct2Model, settings: Settings, sentences: list[str]) -> tuple[int, float]:
    engine = Ct2Engine(model, settings)
    produced = 0
    original = engine._generate_all

    def counting(batches):
        nonlocal produced
        out = original(batches)
        produced += sum(len(d.pieces) for decoded in out for d in decoded)
        return out

    engine._generate_all = counting
    article = "\n\n".join(sentences) + "\n"
    start = time.perf_counter()
    draft = translate_article(article, Direction("en", "tr"), engine, "text", chunk=model.plan.chunk)
    elapsed = time.perf_counter() - start
    assert len(draft.segments) == len(sentences), "the pipeline must see the same sentences"
    return produced, elapsed


def best(runs: list[tuple[int, float]]) -> float:
    tokens, seconds = min(runs, key=lambda r: r[1])
    return tokens / seconds


def tokenized(ct2_dir: Path, sentences: list[str]) -> list[list[str]]:
    import sentencepiece as spm

    source = spm.SentencePieceProcessor(model_file=str(ct2_dir / "source.spm"))
    return [[*source.encode(s, out_type=str), "</s>"] for s in sentences]


def defaults(args, hf: Path, ct2_dir: Path, sentences: list[str]) -> None:
    for beam in args.beams:
        settings = settings_for(beam, args.max_new_tokens, device="cpu")
        model = Ct2Model(ct2_dir, settings)
        sources = tokenized(ct2_dir, sentences)
        model.translator.translate_batch(sources[:4], beam_size=beam, max_decoding_length=4)  # warm-up
        rows = {}
        if not args.skip_transformers:
            rows["transformers"] = bench_transformers(hf, sources, beam, args.max_new_tokens, available_cores())
        raw, pipe = [], []
        for _ in range(args.repeat):  # interleaved, so both see the same machine
            raw.append(bench_ct2_raw(model.translator, sources, beam, args.max_new_tokens, model.plan.batch_size))
            pipe.append(bench_pipeline(model, settings, sentences))
        rows["ct2 raw"] = min(raw, key=lambda r: r[1])
        rows["pipeline"] = min(pipe, key=lambda r: r[1])
        print(f"\nbeam {beam}: {model.plan.describe()}")
        speed = {}
        for name, (tokens, seconds) in rows.items():
            speed[name] = tokens / seconds
            print(f"  {name:13} {tokens:7d} tokens {seconds:8.2f} s {speed[name]:9.1f} tokens/s")
        if "transformers" in speed:
            print(f"  ct2 raw / transformers: {speed['ct2 raw'] / speed['transformers']:.2f}x")
        ratio = speed["pipeline"] / speed["ct2 raw"]
        print(f"  pipeline / ct2 raw:     {ratio:.2f}x  ({'meets' if ratio >= 0.9 else 'MISSES'} the 0.9 target)")


def thread_pairs(cores: int) -> list[tuple[int, int]]:
    pairs = [(inter, cores // inter) for inter in range(1, cores + 1) if cores % inter == 0]
    return pairs if (1, 1) in pairs else [(1, 1), *pairs]


def sweep(args, ct2_dir: Path, sentences: list[str]) -> None:
    import ctranslate2

    cores = available_cores()
    print(f"\nsweep on {cores} cores: raw translate_batch tokens/s (best of {args.repeat})")
    header = [f"ex {b}" for b in EXAMPLES] + [f"tok {b}" for b in TOKENS]
    for beam in args.beams:
        print(f"\nbeam {beam}\n| inter x intra | " + " | ".join(header) + " |")
        print("|---|" + "---|" * len(header))
        top = (0.0, "", None)
        for inter, intra in thread_pairs(cores):
            translator = ctranslate2.Translator(str(ct2_dir), device="cpu", compute_type="int8",
                                                inter_threads=inter, intra_threads=intra)
            sources = tokenized(ct2_dir, sentences)
            translator.translate_batch(sources[:4], beam_size=beam, max_decoding_length=4)
            cells = []
            for batch_type, sizes in (("examples", EXAMPLES), ("tokens", TOKENS)):
                for size in sizes:
                    speed = best([bench_ct2_raw(translator, sources, beam, args.max_new_tokens, size, batch_type)
                                  for _ in range(args.repeat)])
                    cells.append(f"{speed:.0f}")
                    if speed > top[0]:
                        top = (speed, f"inter {inter} x intra {intra}, {size} {batch_type}",
                               (inter, intra, size, batch_type))
            print(f"| {inter} x {intra} | " + " | ".join(cells) + " |", flush=True)
            del translator
        print(f"best raw: {top[0]:.0f} tokens/s ({top[1]})")
        against_best(args, ct2_dir, sentences, beam, top[2])


def against_best(args, ct2_dir: Path, sentences: list[str], beam: int, best_config: tuple) -> None:
    """The pipeline at dragoman's defaults and raw translate_batch at the sweep's best configuration,
    interleaved (at least 3 runs of each, so both see the same machine), best of each."""
    import ctranslate2

    inter, intra, size, batch_type = best_config
    translator = ctranslate2.Translator(str(ct2_dir), device="cpu", compute_type="int8", inter_threads=inter,
                                        intra_threads=intra)
    settings = settings_for(beam, args.max_new_tokens, device="cpu")
    model = Ct2Model(ct2_dir, settings)
    sources = tokenized(ct2_dir, sentences)
    pipe, raw = [], []
    for _ in range(max(3, args.repeat)):
        pipe.append(bench_pipeline(model, settings, sentences))
        raw.append(bench_ct2_raw(translator, sources, beam, args.max_new_tokens, size, batch_type))
    ratio = best(pipe) / best(raw)
    print(f"interleaved, best of {len(pipe)}: raw at the best configuration {best(raw):.0f} tokens/s; dragoman's "
          f"defaults ({model.plan.describe()}): pipeline {best(pipe):.0f} tokens/s = {ratio:.2f}x "
          f"({'meets' if ratio >= 0.9 else 'MISSES'} the 0.9 target)", flush=True)


def child(args, ct2_dir: Path, sentences: list[str]) -> None:
    """One worker-like process: load the model as told, translate, report tokens, seconds and memory."""
    inter, intra, copies = (int(x) for x in args.child.split(","))
    settings = settings_for(args.beams[0], args.max_new_tokens, device="cpu", inter_threads=inter, threads=intra)
    model = Ct2Model(ct2_dir, settings)
    sources = tokenized(ct2_dir, sentences) * copies
    model.translator.translate_batch(sources[:4], beam_size=args.beams[0], max_decoding_length=4)
    rss_loaded = memory()["VmRSS"]
    print("READY", flush=True)
    sys.stdin.readline()  # every process starts translating at the same moment
    tokens, seconds = bench_ct2_raw(model.translator, sources, args.beams[0], args.max_new_tokens,
                                    model.plan.batch_size)
    print(json.dumps({"tokens": tokens, "seconds": seconds, "rss_loaded_mb": rss_loaded / 1024,
                      "peak_mb": memory()["VmHWM"] / 1024}), flush=True)


def memory() -> dict[str, int]:
    """This process's VmRSS and VmHWM (peak), in KiB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def run_children(args, specs: list[str]) -> list[dict]:
    base = [sys.executable, __file__, "--max-new-tokens", str(args.max_new_tokens), "--beams", str(args.beams[0]),
            "--sentences", str(args.sentences), "--shape", args.shape]
    base += ["--model", str(args.model)] if args.model else []
    procs = [subprocess.Popen([*base, "--child", spec], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for spec in specs]
    for proc in procs:
        assert proc.stdout.readline().strip() == "READY"
    start = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    reports = [json.loads(proc.stdout.readline()) for proc in procs]
    wall = time.perf_counter() - start
    for proc in procs:
        proc.wait()
    return [{**r, "wall": wall} for r in reports]


def compare_workers(args) -> None:
    n, cores = args.workers, available_cores()
    intra = max(1, cores // n)
    for label, specs in ((f"{n} processes, each inter 1 x intra {intra}", [f"1,{intra},1"] * n),
                         (f"1 process, inter {n} x intra {intra}", [f"{n},{intra},{n}"])):
        reports = run_children(args, specs)
        tokens = sum(r["tokens"] for r in reports)
        wall = reports[0]["wall"]
        print(f"{label:40} {tokens / wall:8.0f} tokens/s  resident {sum(r['rss_loaded_mb'] for r in reports):6.0f} MB "
              f"after loading, peak {sum(r['peak_mb'] for r in reports):6.0f} MB (beam {args.beams[0]})", flush=True)


def cuda(args, hf: Path, ct2_dir: Path, sentences: list[str]) -> int:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() == 0:
        print("no CUDA device: CTranslate2 sees none here (no NVIDIA GPU or driver, or a CPU-only wheel)",
              file=sys.stderr)
        return 2
    supported = set(ctranslate2.get_supported_compute_types("cuda"))
    sentences = [f"{k}: {s}" for k in range(args.cuda_copies) for s in sentences]  # distinct: no cache helps
    print(f"CUDA: {len(sentences)} sentences; compute types supported: {', '.join(sorted(supported))}")
    sources = tokenized(ct2_dir, sentences)
    for beam in args.beams:
        print(f"\nbeam {beam}")
        top = 0.0
        for compute in [c for c in ("float16", "int8_float16") if c in supported]:
            translator = ctranslate2.Translator(str(ct2_dir), device="cuda", compute_type=compute)
            translator.translate_batch(sources[:8], beam_size=beam, max_decoding_length=4)
            for tokens_per_batch in (4096, 8192, 16384, 32768):
                speed = best([bench_ct2_raw(translator, sources, beam, args.max_new_tokens, tokens_per_batch, "tokens")
                              for _ in range(args.repeat)])
                top = max(top, speed)
                print(f"  ct2 {compute:13} batches of {tokens_per_batch:6d} tokens {speed:10.0f} tokens/s", flush=True)
            del translator
        settings = settings_for(beam, args.max_new_tokens, device="cuda")
        model = Ct2Model(ct2_dir, settings)
        pipe = best([bench_pipeline(model, settings, sentences) for _ in range(args.repeat)])
        print(f"  dragoman pipeline ({model.plan.describe()}) {pipe:10.0f} tokens/s = {pipe / top:.2f}x the best "
              "ct2 raw", flush=True)
        del model
        if not args.skip_transformers:
            for batch in (64, 256):
                speed = best([bench_transformers(hf, sources, beam, args.max_new_tokens, 1, "cuda", batch)])
                print(f"  transformers float16 batches of {batch:4d} sentences {speed:10.0f} tokens/s", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--beams", default="1,4", type=lambda v: [int(b) for b in v.split(",")])
    parser.add_argument("--sentences", type=int, default=96)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--model", type=Path, help="A Marian directory (default: the random one of --shape).")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="base",
                        help="Without --model: a random Marian shaped like OPUS-MT base (en-sq, sq-en, "
                             "tc-base-en-sh) or tc-big (en-tr, tr-en, sh-en) models.")
    parser.add_argument("--skip-transformers", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each measurement; the best counts.")
    parser.add_argument("--sweep", action="store_true", help="Every threads x batch setting, per beam.")
    parser.add_argument("--workers", type=int, default=0, help="N processes vs one process with N replicas.")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--cuda-copies", type=int, default=20, help="--device cuda: the sentences this many times.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    hf, ct2_dir = prepare(args.model, args.shape)
    sentences = bench_sentences(args.sentences)
    if args.child:
        child(args, ct2_dir, sentences)
        return 0
    print(f"model {hf.name}: {len(sentences)} sentences, {available_cores()} cores, "
          f"max {args.max_new_tokens} new tokens", flush=True)
    if args.device == "cuda":
        return cuda(args, hf, ct2_dir, sentences)
    if args.workers:
        compare_workers(args)
    elif args.sweep:
        sweep(args, ct2_dir, sentences)
    else:
        defaults(args, hf, ct2_dir, sentences)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
