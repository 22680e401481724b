"""``dragoman glossary …``: the term base on the command line (stored in DRAGOMAN_DATABASE_URL)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from common.settings import Settings
from glossary.model import LANGUAGES, Concept, GlossaryError, slug
from glossary.store import GlossaryStore

EXIT_INPUT = 3


def _store(ctx: click.Context) -> GlossaryStore:
    settings: Settings = ctx.obj
    return GlossaryStore(settings.database_url)


def _fail(message: str) -> None:
    click.echo(f"dragoman: {message}", err=True)
    sys.exit(EXIT_INPUT)


@click.group()
def glossary() -> None:
    """Import, export, list, edit and check the glossary."""


@glossary.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "csv-pair", "tbx"]),
              help="Default: from the file name (.csv, .tsv, .tbx, .xml).")
@click.option("--langs", help="For a headerless two-column CSV: the two languages, e.g. en,tr.")
@click.option("--replace", is_flag=True, help="Replace the whole glossary instead of merging by concept id.")
@click.pass_context
def import_(ctx, file, fmt, langs, replace) -> None:
    """Import a CSV or TBX (v2 or v3) file; all of it or nothing."""
    from glossary.formats import load

    try:
        source, _, target = (langs or "").partition(",")
        concepts = load(file, fmt, source=source or None, target=target or None)
        version = _store(ctx).import_concepts(concepts, replace=replace, change=f"import {file.name}")
    except GlossaryError as exc:
        _fail(f"{file}: {exc}")
    terms = sum(len(c.terms) for c in concepts)
    click.echo(f"imported {len(concepts)} concepts ({terms} terms) from {file}; glossary version {version}")


@glossary.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "tbx", "tbx2", "tbx3", "csv-pair"]),
              default="tbx3", show_default=True)
@click.option("--from", "source", help="csv-pair: source language.")
@click.option("--to", "target", help="csv-pair: target language.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@click.pass_context
def export(ctx, fmt, source, target, output) -> None:
    """Export the glossary as CSV or TBX."""
    from glossary.formats import dump

    fmt = {"tbx": "tbx3"}.get(fmt, fmt)
    try:
        data = dump(_store(ctx).concepts(), fmt, source=source, target=target)
    except (GlossaryError, ValueError) as exc:
        _fail(str(exc))
    if output:
        output.write_bytes(data)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(data)


@glossary.command("list")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Show only this language's terms.")
@click.pass_context
def list_(ctx, lang) -> None:
    """List concepts and their terms."""
    store = _store(ctx)
    for concept in store.concepts():
        terms = [t for t in concept.terms if not lang or t.lang == lang]
        shown = "; ".join(f"{t.lang}: {t.text}" + (f" [{t.status}]" if t.status != "preferred" else "")
                          + (f" {{{', '.join(f'{k}={v}' for k, v in t.forms.items())}}}" if t.forms else "")
                          for t in terms)
        click.echo(f"{concept.id} ({concept.kind}) {shown}")
    click.echo(f"glossary version {store.version()}", err=True)


@glossary.command()
@click.argument("terms", nargs=-1, required=True, metavar="LANG=TERMS...")
@click.option("--id", "concept_id", help="Concept id (default: from the first term).")
@click.option("--kind", type=click.Choice(["translate", "keep", "forbidden"]), default="translate")
@click.option("--note", default="")
@click.pass_context
def add(ctx, terms, concept_id, kind, note) -> None:
    """Add a concept: LANG=TERMS per language, in the CSV cell syntax, e.g.
    en=Pristina 'tr=Priştine' 'sq=Prishtinë {def=Prishtina; def.gen=Prishtinës}'."""
    from glossary.formats.csv import parse_cell

    parsed = []
    try:
        for item in terms:
            lang, sep, cell = item.partition("=")
            if not sep or lang not in LANGUAGES:
                raise GlossaryError(f"{item!r}: write LANG=TERM with LANG one of {', '.join(LANGUAGES)}")
            parsed += parse_cell(cell, lang)
        concept = Concept(concept_id or slug(parsed[0].text), kind, parsed, note)
        version = _store(ctx).add(concept)
    except GlossaryError as exc:
        _fail(str(exc))
    click.echo(f"added {concept.id}; glossary version {version}")


@glossary.command()
@click.argument("concept_id")
@click.pass_context
def remove(ctx, concept_id) -> None:
    """Remove a concept."""
    try:
        version = _store(ctx).remove(concept_id)
    except GlossaryError as exc:
        _fail(str(exc))
    click.echo(f"removed {concept_id}; glossary version {version}")


@glossary.command()
@click.option("--replace", is_flag=True, help="Replace the whole glossary with the seed.")
@click.pass_context
def seed(ctx, replace) -> None:
    """Load the built-in newsroom glossary (KFOR, NATO, Pristina, Belgrade, ...)."""
    from glossary.seed import load_seed

    concepts = load_seed()
    version = _store(ctx).import_concepts(concepts, replace=replace, change="seed")
    click.echo(f"loaded {len(concepts)} seed concepts; glossary version {version}")


@glossary.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of a plain text (default: detected).")
@click.option("--glossary", "spec", default="db", show_default=True, metavar="db|seed|FILE")
@click.pass_context
def check(ctx, path, lang, spec) -> None:
    """Check a draft (the .json that `translate --out` writes) or a text against the glossary:
    expected, found, missing and forbidden terms, and the term accuracy."""
    from glossary.enforce import Enforcer
    from glossary.match import Matcher
    from translate.terms import load_glossary

    settings: Settings = ctx.obj
    try:
        concepts, _ = load_glossary(spec, settings.database_url)
    except (GlossaryError, OSError) as exc:
        _fail(f"glossary {spec}: {exc}")
    raw = path.read_text("utf-8")
    try:
        draft = json.loads(raw) if path.suffix == ".json" else None
    except json.JSONDecodeError as exc:
        _fail(f"{path}: not a draft ({exc})")
    if draft is None:
        from translate.detect import detect

        lang = lang or detect(raw)[0]
        matches = Matcher(concepts, lang).find(raw)
        for m in matches:
            click.echo(f"{'FORBIDDEN' if m.flagged else 'term':9} {m.text}  ({m.concept.id})")
        forbidden = [m for m in matches if m.flagged]
        click.echo(f"{len(matches)} terms, {len(forbidden)} forbidden", err=True)
        sys.exit(1 if forbidden else 0)
    enforcer = Enforcer(concepts, draft["source_lang"], draft["target_lang"])
    expected = found = bad = 0
    for seg in draft["segments"]:
        report = enforcer.check(seg["source"], seg["target"])
        expected += len(report.expected)
        found += len(report.found)
        if report.missing or report.forbidden:
            bad += 1
            click.echo(f"segment {seg['index']}: missing {report.missing} forbidden {report.forbidden}")
            click.echo(f"    {seg['target']}")
    accuracy = found / expected if expected else 1.0
    click.echo(f"{expected} terms expected, {found} found; term accuracy {accuracy:.1%}; "
               f"{bad} segments with problems")
    sys.exit(1 if bad else 0)
