"""Throughput of the Marian backends and of the dragoman article pipeline, on one model.

    python bench/engines.py [--beams 1,4] [--sentences 96] [--model DIR]

Without --model it builds (once, into .fixtures/big) a random Marian shaped like OPUS-MT
(6+6 layers, d_model 512, 58,101 tokens) and converts it to CTranslate2 int8. Every run uses the
same sentences (from tests/fixtures/corpus) and the same decoding limit (a fixed number of
output tokens, so random weights cost every backend alike) and prints generated tokens per second
for:

- transformers: MarianMTModel.generate on length-sorted batches of 32,
- ct2 raw:      ctranslate2.Translator.translate_batch on pre-tokenized input (int8),
- pipeline:     dragoman's translate_article over the same sentences as an article, through the
                CTranslate2 engine: splitting, tokenizing, batching, detokenizing and QA included,

then the ratios ct2/transformers and pipeline/ct2 (target: pipeline >= 0.9 x ct2 raw). ct2 raw and
the pipeline run --repeat times, interleaved, and the best run of each counts (this machine's
timings vary by 10 % from run to run).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.languages import Direction  # noqa: E402
from common.settings import Settings  # noqa: E402
from tests.fixtures.build_models import all_sentences, build_big  # noqa: E402
from translate.backends.ct2 import Ct2Engine, Ct2Model  # noqa: E402
from translate.models import quiet_transformers  # noqa: E402
from translate.pipeline import translate_article  # noqa: E402
from translate.segment import split_sentences  # noqa: E402

BATCH = 32


def prepare(model: Path | None) -> tuple[Path, Path]:
    import ctranslate2.converters

    hf = model or ROOT / ".fixtures" / "big"
    if not (hf / "config.json").is_file():
        print(f"building the OPUS-MT-shaped random Marian in {hf} ...", flush=True)
        build_big(hf)
    ct2 = hf.with_name(hf.name + ".ct2")
    if not (ct2 / "model.bin").is_file():
        quiet_transformers()
        ctranslate2.converters.TransformersConverter(str(hf), copy_files=["source.spm", "target.spm"]).convert(
            str(ct2), quantization="int8", force=True)
    return hf, ct2


def bench_transformers(hf: Path, sources: list[list[str]], beam: int, max_new: int, threads: int) -> tuple[int, float]:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    torch.set_num_threads(threads)
    tok = MarianTokenizer.from_pretrained(str(hf))
    model = MarianMTModel.from_pretrained(str(hf), dtype=torch.float32).eval()
    ids = [tok.convert_tokens_to_ids(s) for s in sources]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    pad = model.config.pad_token_id
    produced = 0
    start = time.perf_counter()
    with torch.inference_mode():
        for b in range(0, len(order), BATCH):
            rows = [ids[i] for i in order[b:b + BATCH]]
            width = max(map(len, rows))
            x = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
            out = model.generate(input_ids=x, attention_mask=(x != pad).long(), num_beams=beam,
                                 max_new_tokens=max_new, max_length=None)
            for row in out.tolist():
                body = row[1:]
                produced += len([t for t in body if t not in (pad, tok.eos_token_id)])
    return produced, time.perf_counter() - start


def bench_ct2_raw(model: Ct2Model, sources: list[list[str]], beam: int, max_new: int) -> tuple[int, float]:
    start = time.perf_counter()
    results = model.translator.translate_batch(sources, beam_size=beam, max_decoding_length=max_new,
                                               max_batch_size=BATCH, max_input_length=0)
    elapsed = time.perf_counter() - start
    return sum(len(r.hypotheses[0]) for r in results), elapsed


def bench_pipeline(model: Ct2Model, settings: Settings, sentences: list[str]) -> tuple[int, float]:
    engine = Ct2Engine(model, settings)
    produced = 0
    original = engine._generate

    def counting(batch, max_length):
        nonlocal produced
        out = original(batch, max_length)
        produced += sum(len(d.pieces) for d in out)
        return out

    engine._generate = counting
    article = "\n\n".join(sentences) + "\n"
    start = time.perf_counter()
    draft = translate_article(article, Direction("en", "tr"), engine, "text")
    elapsed = time.perf_counter() - start
    assert len(draft.segments) == len(sentences), "the pipeline must see the same sentences"
    return produced, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--beams", default="1,4")
    parser.add_argument("--sentences", type=int, default=96)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--model", type=Path, help="A Marian directory (default: the random big one).")
    parser.add_argument("--skip-transformers", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of ct2 raw and pipeline; the best counts.")
    args = parser.parse_args(argv)

    hf, ct2_dir = prepare(args.model)
    sentences = [s for s in all_sentences() if len(s.split()) >= 8 and len(split_sentences(s)) == 1][: args.sentences]
    print(f"model {hf.name}: {len(sentences)} sentences, {args.threads} threads, "
          f"max {args.max_new_tokens} new tokens", flush=True)
    for beam in (int(b) for b in args.beams.split(",")):
        settings = Settings(beam_size=beam, threads=args.threads, batch_size=BATCH, batch_tokens=10**6,
                            max_decoding_ratio=0, max_decoding_extra=args.max_new_tokens,
                            compute_type="int8", device="cpu")
        model = Ct2Model(ct2_dir, settings)
        sources = [[*model.source.encode(s, out_type=str), "</s>"] for s in sentences]
        model.translator.translate_batch(sources[:4], beam_size=beam, max_decoding_length=4)  # warm-up
        rows = {}
        if not args.skip_transformers:
            rows["transformers"] = bench_transformers(hf, sources, beam, args.max_new_tokens, args.threads)
        raw, pipe = [], []
        for _ in range(args.repeat):  # interleaved, so both see the same machine
            raw.append(bench_ct2_raw(model, sources, beam, args.max_new_tokens))
            pipe.append(bench_pipeline(model, settings, sentences))
        rows["ct2 raw"] = min(raw, key=lambda r: r[1])
        rows["pipeline"] = min(pipe, key=lambda r: r[1])
        print(f"\nbeam {beam}")
        speed = {}
        for name, (tokens, seconds) in rows.items():
            speed[name] = tokens / seconds
            print(f"  {name:13} {tokens:7d} tokens {seconds:8.2f} s {speed[name]:9.1f} tokens/s")
        if "transformers" in speed:
            print(f"  ct2 raw / transformers: {speed['ct2 raw'] / speed['transformers']:.2f}x")
        ratio = speed["pipeline"] / speed["ct2 raw"]
        print(f"  pipeline / ct2 raw:     {ratio:.2f}x  ({'meets' if ratio >= 0.9 else 'MISSES'} the 0.9 target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
