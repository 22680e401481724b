"""How many workers per language group a newsroom needs: a discrete-event simulation of a day.

    python bench/capacity.py [--articles 100,1000,10000] [--target-p95 60] [--tokens-per-s tr=255,sq=560,sr=350]
                             [--overhead 0.05] [--part-tokens 1024] [--seed 1]

A day of articles arrives (more by day than by night; --bursts breaking-news events, each 30 minutes
of short priority-9 updates at 5x the day's rate). Each article (words lognormal around 450, some
long features) is written in one of the four languages and translated into the three others; a route
is one or two hops (tr→sq: tr→en, then en→sq), each hop cut into parts of --part-tokens tokens that
the workers of the hop's group take, most urgent first. A worker (one pod, 2 cores, the shared mode)
does one part at a time at --tokens-per-s of its group plus --overhead seconds per part. Time to
draft is from submission until the target's last part is done.

For each daily volume it finds, per group (tr: en↔tr, sq: en↔sq, sr: en↔sr and script conversion),
the fewest workers that keep the p95 time to draft under --target-p95 seconds, and prints the table.

Throughputs (defaults measured 2026-11-30 on 2 cores at beam 4, dragoman's pipeline, two runs each:
``python bench/engines.py --shape base|tc-big --beams 4 --skip-transformers``): sq serves base models
(opus-mt-en-sq, -sq-en): 549-569 tokens/s on the base-shaped random Marian; tr serves tc-big ones
(opus-mt-tc-big-en-tr, -tr-en): 246-264 on the tc-big-shaped one (d_model 1024, 16 heads, FFN 4096),
0.45x base; sr serves one of each (opus-mt-tc-base-en-sh, tc-big-sh-en): their harmonic mean. Output
is taken as long as the source, so generated tokens/s stand for source tokens/s. Measure the real
models with bench/engines.py --model DIR and pass --tokens-per-s.
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
from dataclasses import dataclass, field

LANGUAGES = {"en": 0.5, "sq": 0.2, "sr": 0.2, "tr": 0.1}    # share of the articles written in each
GROUP_OF = {"tr": "tr", "sq": "sq", "sr": "sr"}               # a hop en↔X runs on group X
TOKENS_PER_WORD = 1.4
DAY = 24 * 3600.0


@dataclass(order=True)
class Part:
    priority: int            # 0 first (breaking news), then 1
    submitted: float
    seq: int
    tokens: int = field(compare=False)
    target: Target = field(compare=False)


@dataclass(eq=False)
class Target:
    submitted: float
    hops: list[str]          # groups, in order
    tokens: int
    priority: int
    hop: int = 0
    left: int = 0            # parts of the current hop not done
    done_at: float | None = None


def rate(t: float, per_day: float) -> float:
    """Articles per second at time t: a day shape (quiet at night, busiest 9-18 h), averaging per_day."""
    hour = (t / 3600) % 24
    shape = 0.25 if hour < 6 else 1.6 if 9 <= hour < 18 else 1.0
    return per_day / DAY * shape / 1.12   # the shape's mean over a day is 1.12


def arrivals(per_day: int, bursts: int, rng: random.Random) -> list[tuple[float, int, int, str]]:
    """(time, words, priority, source language) for one day, by thinning a Poisson process."""
    out, t, peak = [], 0.0, rate(12 * 3600, per_day) * 5
    burst_starts = sorted(rng.uniform(7 * 3600, 22 * 3600) for _ in range(bursts))
    while True:
        t += rng.expovariate(peak)
        if t >= DAY:
            return out
        in_burst = any(s <= t < s + 1800 for s in burst_starts)
        if rng.random() < rate(t, per_day) * (5 if in_burst else 1) / peak:
            urgent = in_burst and rng.random() < 0.5
            words = int(rng.lognormvariate(math.log(150 if urgent else 450), 0.7))
            source = rng.choices(list(LANGUAGES), weights=list(LANGUAGES.values()))[0]
            out.append((t, max(words, 20), 0 if urgent else 1, source))


def route(source: str, target: str) -> list[str]:
    if source == "en":
        return [GROUP_OF[target]]
    if target == "en":
        return [GROUP_OF[source]]
    return [GROUP_OF[source], GROUP_OF[target]]


def simulate(day: list[tuple[float, int, int, str]], workers: dict[str, int], speed: dict[str, float],
             overhead: float, part_tokens: int) -> list[tuple[float, list[str]]]:
    """Time to draft and groups of every (article, target) of the day with these workers per group."""
    queues: dict[str, list[Part]] = {g: [] for g in workers}
    free = dict(workers)
    events: list[tuple[float, int, str, object]] = []
    seq = 0
    targets: list[Target] = []
    for t, words, priority, source in day:
        for target in LANGUAGES:
            if target != source:
                targets.append(Target(t, route(source, target), int(words * TOKENS_PER_WORD), priority))
                heapq.heappush(events, (t, seq, "arrive", targets[-1]))
                seq += 1

    def enqueue(now: float, item: Target) -> None:
        nonlocal seq
        group = item.hops[item.hop]
        count = max(1, math.ceil(item.tokens / part_tokens))
        item.left = count
        for i in range(count):
            size = item.tokens // count + (1 if i < item.tokens % count else 0)
            heapq.heappush(queues[group], Part(item.priority, item.submitted, seq, size, item))
            seq += 1
        start_work(now, group)

    def start_work(now: float, group: str) -> None:
        nonlocal seq
        while free[group] and queues[group]:
            part = heapq.heappop(queues[group])
            free[group] -= 1
            heapq.heappush(events, (now + overhead + part.tokens / speed[group], seq, "done", (group, part)))
            seq += 1

    while events:
        now, _, kind, payload = heapq.heappop(events)
        if kind == "arrive":
            enqueue(now, payload)
            continue
        group, part = payload
        free[group] += 1
        item = part.target
        item.left -= 1
        if item.left == 0:
            item.hop += 1
            if item.hop < len(item.hops):
                enqueue(now, item)
            else:
                item.done_at = now
        start_work(now, group)
    return [(t.done_at - t.submitted, t.hops) for t in targets]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def p95_of(results: list[tuple[float, list[str]]], group: str | None = None) -> float:
    return p95([t for t, hops in results if group is None or group in hops])


def size(day, speed, overhead, part_tokens, target: float, most: int = 200) -> tuple[dict[str, int], list]:
    """The fewest workers per group meeting the target: each group alone (the others ample), then
    together, adding a worker to the group whose articles wait longest while the whole misses it."""
    def run(workers: dict[str, int]) -> list:
        return simulate(day, workers, speed, overhead, part_tokens)

    workers = {}
    for group in speed:
        low, high = 1, most
        while low < high:  # p95 falls as workers are added: the first count that meets the target
            middle = (low + high) // 2
            if p95_of(run({**dict.fromkeys(speed, most), group: middle}), group) <= target:
                high = middle
            else:
                low = middle + 1
        workers[group] = low
    results = run(workers)
    while p95_of(results) > target:
        workers[max(speed, key=lambda g: p95_of(results, g))] += 1
        results = run(workers)
    return workers, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", default="100,1000,10000")
    parser.add_argument("--target-p95", type=float, default=60.0, help="Seconds from submission to draft.")
    parser.add_argument("--tokens-per-s", default="tr=255,sq=560,sr=350",
                        help="Source tokens a worker (2 cores) translates per second, per group.")
    parser.add_argument("--overhead", type=float, default=0.05, help="Seconds per part besides the model.")
    parser.add_argument("--part-tokens", type=int, default=1024)
    parser.add_argument("--bursts", type=int, default=3, help="Breaking-news bursts in the day.")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    speed = {k: float(v) for k, v in (item.split("=") for item in args.tokens_per_s.split(","))}
    print(f"p95 time to draft under {args.target_p95:.0f} s; a worker = one 2-core pod; tokens/s per worker "
          f"{speed}; {args.overhead:.2f} s per part; parts of {args.part_tokens} tokens; {args.bursts} "
          "breaking-news bursts a day\n")
    print("| articles a day | article-targets | workers tr / sq / sr | p95 time to draft | p50 |")
    print("|---|---|---|---|---|")
    for per_day in (int(n) for n in args.articles.split(",")):
        day = arrivals(per_day, args.bursts, random.Random(args.seed))
        workers, results = size(day, speed, args.overhead, args.part_tokens, args.target_p95)
        times = sorted(t for t, _ in results)
        print(f"| {per_day:,} | {len(times):,} | {workers['tr']} / {workers['sq']} / {workers['sr']} | "
              f"{p95_of(results):.1f} s | {times[len(times) // 2]:.1f} s |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
