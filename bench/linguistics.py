"""dragoman's splitter, detector and Serbian script conversion beside well-kept libraries, on labelled news text.

    pip install -e '.[bench]'        # pysbd, sentencex, lingua, py3langid, langdetect, cyrtranslit, srtools
    python bench/linguistics.py [--task split|detect|transliterate] [--errors SYSTEM]

The data are bench/data/linguistics/ (see bench/linguistics_data.py): news paragraphs with their sentences,
sentences with their language, and Serbian sentences with their other script, at least 40 per language and
script, written for dragoman with the hard cases of news text. Each task prints a Markdown table: a row per
language or script, correct/total per system. A paragraph counts only if its whole split is exact; a
detection if its label is; a conversion if it is exact. A library that is not installed reads "not
installed"; every library runs offline (rules, or models shipped inside the package). ``--errors SYSTEM``
lists what SYSTEM gets wrong, with what it gave.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.linguistics_data import TASKS, Item, load  # noqa: E402
from translate.detect import DetectionError, detect  # noqa: E402
from translate.segment import split_sentences  # noqa: E402
from translate.serbian import to_cyrillic, to_latin  # noqa: E402

# A system's function takes (text, lang) and answers like the item's expected value.
System = Callable[[str, str], object]
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
# The languages lingua and py3langid choose among: ours, and the two that Serbian Latin is most taken for.
_CANDIDATES = ("en", "tr", "sq", "sr", "hr", "bs")
_PYSBD_LANG = {"sr-Cyrl": "ru"}  # pysbd has no tr, sq or sr rules: English ones, Russian for Cyrillic
_SENTENCEX_LANG = {"sr-Latn": "sr", "sr-Cyrl": "sr"}

NOTES = {
    "split": "pysbd has no rules for tr, sq or sr: it splits them with its English rules (sr-Cyrl with its "
             "Russian ones). sentencex uses its rules for each language.",
    "detect": "lingua and py3langid choose among en, tr, sq, sr, hr, bs; langdetect among its 55 languages, "
              "which have no Serbian. They cannot tell scripts: their sr counts as sr-Latn or sr-Cyrl by the "
              "script of the text, and hr or bs on Serbian counts wrong.",
    "transliterate": "sr-Latn rows: Serbian Latin to Cyrillic; sr-Cyrl rows: Cyrillic to Latin (dragoman with "
                     "its default Latin keep list, no glossary).",
}
TITLES = {
    "split": "Sentence splitting: paragraphs split exactly as labelled",
    "detect": "Language detection: sentences and headlines labelled right",
    "transliterate": "Serbian script conversion: sentences converted exactly",
}


def script_tag(text: str) -> str:
    """sr-Cyrl or sr-Latn, by which letters the text has more of."""
    return "sr-Cyrl" if len(_CYRILLIC.findall(text)) > len(_LATIN.findall(text)) else "sr-Latn"


def _serbian_by_script(code: str | None, text: str) -> str:
    return script_tag(text) if code == "sr" else (code or "undecided")


def _dragoman_split(text: str, lang: str) -> tuple[str, ...]:
    return tuple(s.text for s in split_sentences(text, lang))


def _dragoman_detect(text: str, lang: str) -> str:
    try:
        return detect(text)[0]
    except DetectionError:
        return "undecided"


def _dragoman_transliterate(text: str, lang: str) -> str:
    return to_cyrillic(text) if lang == "sr-Latn" else to_latin(text)


def _pysbd() -> System:
    import pysbd

    segmenters = {code: pysbd.Segmenter(language=code, clean=False) for code in ("en", "ru")}
    return lambda text, lang: tuple(s.strip() for s in segmenters[_PYSBD_LANG.get(lang, "en")].segment(text)
                                    if s.strip())


def _sentencex() -> System:
    from sentencex import segment

    return lambda text, lang: tuple(s.strip() for s in segment(_SENTENCEX_LANG.get(lang, lang), text) if s.strip())


def _lingua() -> System:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in _CANDIDATES]
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    def run(text: str, lang: str) -> str:
        found = detector.detect_language_of(text)
        return _serbian_by_script(found.iso_code_639_1.name.lower() if found else None, text)

    return run


def _py3langid() -> System:
    import py3langid

    py3langid.set_languages(list(_CANDIDATES))
    return lambda text, lang: _serbian_by_script(py3langid.classify(text)[0], text)


def _langdetect() -> System:
    from langdetect import DetectorFactory, LangDetectException
    from langdetect import detect as langdetect

    DetectorFactory.seed = 0  # its sampling is random otherwise

    def run(text: str, lang: str) -> str:
        try:
            return _serbian_by_script(langdetect(text), text)
        except LangDetectException:
            return "undecided"

    return run


def _cyrtranslit() -> System:
    import cyrtranslit

    return lambda text, lang: (cyrtranslit.to_cyrillic(text, "sr") if lang == "sr-Latn"
                               else cyrtranslit.to_latin(text, "sr"))


def _srtools() -> System:
    import srtools

    return lambda text, lang: (srtools.latin_to_cyrillic(text) if lang == "sr-Latn"
                               else srtools.cyrillic_to_latin(text))


# Per task: system name -> a loader that returns the system, or raises ImportError when it is not installed.
SYSTEMS: dict[str, dict[str, Callable[[], System]]] = {
    "split": {"dragoman": lambda: _dragoman_split, "pysbd": _pysbd, "sentencex": _sentencex},
    "detect": {"dragoman": lambda: _dragoman_detect, "lingua": _lingua, "py3langid": _py3langid,
               "langdetect": _langdetect},
    "transliterate": {"dragoman": lambda: _dragoman_transliterate, "cyrtranslit": _cyrtranslit,
                      "srtools": _srtools},
}


def loaded(task: str) -> dict[str, System | None]:
    systems: dict[str, System | None] = {}
    for name, make in SYSTEMS[task].items():
        try:
            systems[name] = make()
        except ImportError:
            systems[name] = None
    return systems


def answer(system: System, item: Item, lang: str) -> object:
    try:
        return system(item.source, lang)
    except Exception as err:  # a library failing on one item gets it wrong, and the bench goes on
        return f"error: {type(err).__name__}: {err}"


def run_task(task: str, systems: dict[str, System | None]) -> dict[str, dict[str, list[tuple[Item, object]]]]:
    """Per language, per installed system: the items it got wrong and what it gave. The totals are the data's."""
    wrong: dict[str, dict[str, list[tuple[Item, object]]]] = {}
    for lang in TASKS[task]:
        items = load(task, lang)
        wrong[lang] = {}
        for name, system in systems.items():
            if system is not None:
                got = [(item, answer(system, item, lang)) for item in items]
                wrong[lang][name] = [(item, value) for item, value in got if value != item.expected]
    return wrong


def table(task: str, systems: dict[str, System | None], wrong: dict[str, dict[str, list]]) -> str:
    names = list(systems)
    lines = [f"| {'language' if task != 'transliterate' else 'from'} | " + " | ".join(names) + " |",
             "|---|" + "---|" * len(names)]
    totals = {lang: len(load(task, lang)) for lang in wrong}
    for lang in [*wrong, "all"]:
        langs = list(wrong) if lang == "all" else [lang]
        total = sum(totals[x] for x in langs)
        cells = []
        for name in names:
            if systems[name] is None:
                cells.append("not installed")
            else:
                cells.append(f"{total - sum(len(wrong[x][name]) for x in langs)}/{total}")
        lines.append(f"| {lang} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def undecided(wrong: dict[str, dict[str, list]]) -> str:
    """The number of items each system left undecided, where any did."""
    counts = {}
    for by_system in wrong.values():
        for name, items in by_system.items():
            counts[name] = counts.get(name, 0) + sum(got == "undecided" for _, got in items)
    if not any(counts.values()):
        return ""
    listed = ", ".join(f"{name} {n}" for name, n in counts.items())
    return f" Undecided (too short or unclear; counted wrong): {listed}."


def _show(value: object) -> str:
    return " | ".join(value) if isinstance(value, tuple) else str(value)


def errors(task: str, system: str, wrong: dict[str, dict[str, list]]) -> str:
    lines = []
    for by_system in wrong.values():
        for item, got in by_system.get(system, []):
            note = f" ({item.note})" if item.note else ""
            lines += [f"- {item.where}{note}", f"    expected: {_show(item.expected)}", f"    {system}: {_show(got)}"]
    return "\n".join(lines) or "(none)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=list(TASKS), action="append", help="one task (repeatable); all by default")
    parser.add_argument("--errors", metavar="SYSTEM", help="list the items SYSTEM gets wrong (dragoman, pysbd, ...)")
    args = parser.parse_args(argv)
    for task in args.task or list(TASKS):
        systems = loaded(task)
        wrong = run_task(task, systems)
        print(f"### {TITLES[task]}\n\n{table(task, systems, wrong)}\n\n{NOTES[task]}{undecided(wrong)}\n")
        if None in systems.values():
            print("not installed: pip install -e '.[bench]'\n")
        if args.errors:
            if args.errors not in systems:
                parser.error(f"no system {args.errors!r} for {task}: {', '.join(systems)}")
            print(f"{args.errors} wrong:\n{errors(task, args.errors, wrong)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
