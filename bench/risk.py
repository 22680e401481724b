"""Does the risk order put the faulty segments first? Faults injected into the copy model's output.

    python bench/risk.py [--share 0.2] [--seed 7]

The copy-trained Marian (CTranslate2, int8) reproduces each corpus sentence exactly, so its output
is a correct "translation" into the sentence's own language (en, tr, sq, sr-Latn, sr-Cyrl: 280
segments), checked like any other (``translate.qa`` with the newsroom checks, the seed glossary's
term report). A share of the segments gets one fault each, in equal numbers:

- ``dropped number``: a number removed;
- ``wrong term``: a glossary term replaced by a forbidden or deprecated variant of it (else by
  another concept's term);
- ``untranslated``: the source copied into a draft of another language (a model that copied);
- ``repeated``: a word stuttered three times;
- ``truncated``: the output cut after about half its words.

Each segment's risk (``translate.risk``, default weights) orders the segments; the bench reports
how many faulty ones land in the top 20 % (precision, recall), per fault and overall, twice: with
the model's score of its own clean output (the fault added after decoding: confidence cannot see
it, only the checks can), and with the copy model's forced-decoding score of the faulty output.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.settings import Settings  # noqa: E402
from glossary.enforce import Enforcer  # noqa: E402
from glossary.seed import load_seed  # noqa: E402
from tests.fixtures.build_models import COPY_DIR  # noqa: E402
from translate import qa  # noqa: E402
from translate.backends.ct2 import Ct2Engine, Ct2Model  # noqa: E402
from translate.engine import Translation  # noqa: E402
from translate.models import ModelStore  # noqa: E402
from translate.risk import Weights, assess, review_order  # noqa: E402
from translate.terms import report_flags  # noqa: E402

LANGS = ("en", "tr", "sq", "sr-Latn", "sr-Cyrl")
OTHER = {"en": "tr", "tr": "en", "sq": "en", "sr-Latn": "en", "sr-Cyrl": "en"}
FAULTS = ("dropped number", "wrong term", "untranslated", "repeated", "truncated")
_NUMBER = re.compile(r"(?<![\w.,])\d[\d.,]*\d?(?![\w])\s?")
_WORD = re.compile(r"[^\W\d_]{4,}")


def sentences() -> list[tuple[str, str]]:
    corpus = ROOT / "tests" / "fixtures" / "corpus"
    return [(lang, line) for lang in LANGS for line in (corpus / f"{lang}.txt").read_text("utf-8").splitlines() if line]


def copy_engine(root: Path) -> tuple[Ct2Engine, Ct2Model]:
    settings = Settings(models_dir=root, beam_size=1, threads=2, offline=True)
    store = ModelStore(settings)
    shutil.copytree(COPY_DIR, store.hf_dir("en-tr"))
    store.write_manifest("en-tr")
    model = Ct2Model(store.convert("en-tr"), settings)
    return Ct2Engine(model, settings), model


def variants(concepts) -> dict[tuple[str, str], str]:
    """(language, preferred term) -> a deprecated or forbidden term of the same concept."""
    found = {}
    for concept in concepts:
        for lang in LANGS:
            good = [t.text for t in concept.terms if t.lang == lang and t.status == "preferred"]
            bad = [t.text for t in concept.terms if t.lang == lang and t.status in ("deprecated", "forbidden")]
            if good and bad:
                found[(lang, good[0])] = bad[0]
    return found


def inject(fault: str, lang: str, text: str, rng: random.Random, enforcers, wrong) -> tuple[str, str] | None:
    """The faulty text and its declared target language, or None if the fault does not fit."""
    if fault == "dropped number":
        found = list(_NUMBER.finditer(text))
        if not found:
            return None
        m = rng.choice(found)
        return text[:m.start()] + text[m.end():], lang
    if fault == "wrong term":
        matches = [m for m in enforcers[lang].target_matcher.find(text) if not m.flagged]
        if not matches:
            return None
        m = rng.choice(matches)
        other = wrong.get((lang, m.term.text)) or next(
            (t.text for c in enforcers[lang].concepts if c.id != m.concept.id for t in c.terms
             if t.lang == lang and t.status == "preferred"), None)
        return (text[:m.start] + other + text[m.start + len(m.form):], lang) if other else None
    if fault == "untranslated":
        return text, OTHER[lang]
    words = list(_WORD.finditer(text))
    if not words:
        return None
    if fault == "repeated":
        m = rng.choice(words)
        return text[:m.end()] + (" " + m.group()) * 2 + text[m.end():], lang
    cut = words[len(words) // 2].start()
    return text[:cut].rstrip(), lang


def forced_score(model: Ct2Model, source: str, target: str) -> float:
    [scored] = model.translator.score_batch([[*model.source.encode(source, out_type=str), "</s>"]],
                                            [model.target.encode(target, out_type=str)])
    return sum(scored.log_probs) / len(scored.log_probs)


def evaluate(segments: list[dict], key: str, share: float) -> dict:
    weights = Weights()
    risks = {i: assess(s[key], s["flags"], weights) for i, s in enumerate(segments)}
    top = set(review_order(risks)[: round(len(segments) * share)])
    faulty = {i for i, s in enumerate(segments) if s["fault"]}
    hit = top & faulty
    per = {f: (sum(1 for i in hit if segments[i]["fault"] == f), sum(1 for i in faulty if segments[i]["fault"] == f))
           for f in FAULTS}
    return {"top": len(top), "faulty": len(faulty), "hit": len(hit), "precision": len(hit) / len(top),
            "recall": len(hit) / len(faulty), "per": per,
            "clean_flagged": sum(1 for i, s in enumerate(segments) if not s["fault"] and risks[i].score > 0),
            "clean_flags": Counter(f for s in segments if not s["fault"] for f in s["flags"]).most_common(6)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, default=0.2, help="faulty share of the segments, and the top share")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    concepts = load_seed()
    enforcers = {lang: Enforcer(concepts, lang, lang) for lang in LANGS}
    wrong = variants(concepts)
    pairs = sentences()
    with tempfile.TemporaryDirectory(prefix="dragoman-risk-") as tmp:
        engine, model = copy_engine(Path(tmp))
        outputs = engine.translate([s for _, s in pairs])
        exact = sum(o.text == s for (_, s), o in zip(pairs, outputs, strict=True))
        order = list(range(len(pairs)))
        rng.shuffle(order)
        wanted = round(len(pairs) * args.share)
        faults = {}
        for i in order:
            if len(faults) >= wanted:
                break
            fault = FAULTS[len(faults) % len(FAULTS)]
            made = inject(fault, pairs[i][0], outputs[i].text, rng, enforcers, wrong)
            if made:
                faults[i] = (fault, *made)
        segments = []
        for i, ((lang, source), out) in enumerate(zip(pairs, outputs, strict=True)):
            fault, text, target_lang = faults.get(i, (None, out.text, lang))
            flags = qa.check(source, Translation(text, out.score), lang, target_lang)
            if target_lang == lang:
                flags += report_flags(enforcers[lang].check(source, text))
            segments.append({"fault": fault, "flags": flags, "clean_score": out.score,
                             "forced_score": forced_score(model, source, text)})
    print(f"{len(segments)} segments ({exact} copied exactly by the copy model), {len(faults)} with a fault")
    for key, label in (("clean_score", "score of the clean output"), ("forced_score", "forced score of the output")):
        r = evaluate(segments, key, args.share)
        print(f"\n{label}: top {r['top']} by risk hold {r['hit']} of {r['faulty']} faulty: "
              f"precision {r['precision']:.1%}, recall {r['recall']:.1%}; clean segments with risk > 0: "
              f"{r['clean_flagged']} ({', '.join(f'{f} {n}' for f, n in r['clean_flags'])})")
        for fault, (hit, total) in r["per"].items():
            print(f"  {fault:15} {hit}/{total}")


if __name__ == "__main__":
    main()
