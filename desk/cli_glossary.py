"""``dragoman glossary …``: the term base on the command line (stored in DRAGOMAN_DATABASE_URL).

Imports merge into what is there (``glossary.merge``) unless ``--replace``; every change is a version
recorded with who made it (``--who``, default: the user name) and what it changed: ``history``,
``diff V1 [V2]`` and ``rollback V`` read and restore them."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import UTC
from pathlib import Path

import click

from common.settings import Settings
from glossary.merge import Change, Conflict, Plan
from glossary.model import LANGUAGES, Concept, GlossaryError, slug
from glossary.store import GlossaryStore, describe

EXIT_INPUT = 3


def _store(ctx: click.Context) -> GlossaryStore:
    settings: Settings = ctx.obj
    return GlossaryStore(settings.database_url)


def _fail(message: str) -> None:
    click.echo(f"dragoman: {message}", err=True)
    sys.exit(EXIT_INPUT)


@click.group()
def glossary() -> None:
    """Import (merging), export, list, edit and check the glossary; its history, diffs and rollbacks."""


def _who() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in this environment
        return "cli"


def who_option(command):
    return click.option("--who", default=_who, show_default="your user name",
                        help="Who made the change, for the glossary history.")(command)


def _term_line(term: dict) -> str:
    forms = "; ".join(f"{k}={v}" for k, v in term["forms"].items())
    return f"{term['text']} ({term['status']}" + (f"; {forms}" if forms else "") + ")"


def _value(value) -> str:
    if isinstance(value, dict) and "text" in value:
        return _term_line(value)
    return "-" if value in (None, "") else repr(value)


def change_line(change: Change) -> str:
    where = " ".join(x for x in (change.lang, repr(change.term) if change.term else "") if x)
    if change.field == "term":
        sign = "+" if change.before is None else "-"
        return f"{sign} {change.lang} term {_term_line(change.after or change.before)}"
    return f"{where + ': ' if where else ''}{change.field}: {_value(change.before)} -> {_value(change.after)}"


def conflict_line(conflict: Conflict) -> str:
    if conflict.field == "match":
        return (f"conflict: {conflict.incoming} shares terms with {', '.join(conflict.current)}; "
                "not imported (edit the file or the glossary)")
    where = " ".join(x for x in (conflict.lang, repr(conflict.term) if conflict.term else "") if x)
    done = "applied (--prefer-file)" if conflict.applied else "kept the glossary's"
    return (f"conflict {conflict.concept} <- {conflict.incoming}: {where + ': ' if where else ''}{conflict.field}: "
            f"glossary {_value(conflict.current)}, file {_value(conflict.file)}; {done}")


def show_plan(plan: Plan) -> None:
    """Every concept a plan adds, changes or removes, with the values, and its conflicts."""
    for concept in plan.added:
        click.echo(f"added {concept.id}: " + "; ".join(f"{t.lang}: {t.text}" for t in concept.terms))
    for changed in plan.changed:
        sources = [s for s in changed.incoming if s != changed.id]
        click.echo(f"changed {changed.id}" + (f" (from {', '.join(sources)})" if sources else "") + ":")
        for change in changed.changes:
            click.echo(f"    {change_line(change)}")
    for concept in plan.removed:
        click.echo(f"removed {concept.id}")
    for conflict in plan.conflicts:
        click.echo(conflict_line(conflict))


@glossary.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "csv-pair", "tbx"]),
              help="Default: from the file name (.csv, .tsv, .tbx, .xml).")
@click.option("--langs", help="For a headerless two-column CSV: the two languages, e.g. en,tr.")
@click.option("--replace", is_flag=True, help="Replace the whole glossary with the file instead of merging.")
@click.option("--prefer-file", is_flag=True,
              help="On a conflict, take the file's value (default: keep the glossary's).")
@click.option("--dry-run", is_flag=True, help="Print what would change and write nothing.")
@who_option
@click.pass_context
def import_(ctx, file, fmt, langs, replace, prefer_file, dry_run, who) -> None:
    """Merge a CSV or TBX (v2 or v3) file into the glossary: concepts join by id or a shared term,
    new terms, forms and notes are added, nothing is removed, conflicts are reported and kept as
    they are unless --prefer-file. All of it or nothing."""
    from glossary.formats import load

    if replace and prefer_file:
        raise click.UsageError("--prefer-file is for merging; --replace takes the whole file anyway")
    try:
        source, _, target = (langs or "").partition(",")
        concepts = load(file, fmt, source=source or None, target=target or None)
        plan, version = _store(ctx).merge(concepts, prefer_file=prefer_file, replace=replace, who=who,
                                          source=file.name, dry_run=dry_run)
    except GlossaryError as exc:
        _fail(f"{file}: {exc}")
    show_plan(plan)
    terms = sum(len(c.terms) for c in concepts)
    if dry_run:
        click.echo(f"dry run: {len(concepts)} concepts ({terms} terms) in {file} would give {describe(plan)}; "
                   f"nothing written (glossary version {version})")
    else:
        click.echo(f"imported {len(concepts)} concepts ({terms} terms) from {file}: {describe(plan)}; "
                   f"glossary version {version}")
    kept = sum(not c.applied for c in plan.conflicts)
    if kept:
        click.echo(f"dragoman: {kept} conflict{'s' if kept > 1 else ''} not applied: the glossary's values were kept "
                   "(--prefer-file takes the file's)", err=True)


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
@who_option
@click.pass_context
def add(ctx, terms, concept_id, kind, note, who) -> None:
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
        version = _store(ctx).add(concept, who=who)
    except GlossaryError as exc:
        _fail(str(exc))
    click.echo(f"added {concept.id}; glossary version {version}")


@glossary.command()
@click.argument("concept_id")
@who_option
@click.pass_context
def remove(ctx, concept_id, who) -> None:
    """Remove a concept."""
    try:
        version = _store(ctx).remove(concept_id, who=who)
    except GlossaryError as exc:
        _fail(str(exc))
    click.echo(f"removed {concept_id}; glossary version {version}")


@glossary.command()
@click.option("--replace", is_flag=True, help="Replace the whole glossary with the seed.")
@who_option
@click.pass_context
def seed(ctx, replace, who) -> None:
    """Load the built-in newsroom glossary (KFOR, NATO, Pristina, Belgrade, ...), merged like an import."""
    from glossary.seed import load_seed

    concepts = load_seed()
    try:
        plan, version = _store(ctx).merge(concepts, replace=replace, who=who, source="seed.json", action="seed")
    except GlossaryError as exc:
        _fail(f"seed: {exc}")
    for conflict in plan.conflicts:
        click.echo(conflict_line(conflict), err=True)
    click.echo(f"loaded {len(concepts)} seed concepts: {describe(plan)}; glossary version {version}")


@glossary.command()
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the versions as JSON, with their summaries.")
@click.pass_context
def history(ctx, limit, as_json) -> None:
    """The glossary's versions, newest first: version, when, who and what changed."""
    rows = _store(ctx).history(limit)
    if as_json:
        click.echo(json.dumps([{**r, "created_at": _when(r["created_at"])} for r in rows], ensure_ascii=False,
                              indent=1))
        return
    for row in rows:
        kept = "" if row["snapshot"] else "  (no snapshot)"
        click.echo(f"{row['version']:>5}  {_when(row['created_at'])}  {row['who'] or '-'}  {row['change']}{kept}")


def _when(value) -> str:
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@glossary.command()
@click.argument("old", type=click.IntRange(0))
@click.argument("new", type=click.IntRange(0), required=False)
@click.pass_context
def diff(ctx, old, new) -> None:
    """Concepts added, removed and changed from version OLD to version NEW (default: now)."""
    store = _store(ctx)
    try:
        plan = store.diff(old, new)
    except GlossaryError as exc:
        _fail(str(exc))
    show_plan(plan)
    click.echo(f"version {old} -> {new if new is not None else store.version()}: {describe(plan)}")


@glossary.command()
@click.argument("version", type=click.IntRange(0))
@who_option
@click.pass_context
def rollback(ctx, version, who) -> None:
    """Make the glossary what it was at VERSION, as a new version (the history is kept)."""
    try:
        plan, new = _store(ctx).rollback(version, who=who)
    except GlossaryError as exc:
        _fail(str(exc))
    show_plan(plan)
    click.echo(f"rolled back to version {version}: {describe(plan)}; glossary version {new}")


@glossary.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of a plain text (default: detected).")
@click.option("--glossary", "spec", default="db", show_default=True, metavar="db|seed|FILE")
@click.pass_context
def check(ctx, path, lang, spec) -> None:
    """Check a draft (the .json that `translate --out` writes) or a text against the glossary:
    expected, found, missing and forbidden terms, terms typed without their diacritics (a spelling to
    fix), and the term accuracy."""
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
            kind = "FORBIDDEN" if m.flagged else "RESPELL" if m.respell else "term"
            fix = f" -> {m.respell}" if m.respell else ""
            click.echo(f"{kind:9} {m.text}{fix}  ({m.concept.id})")
        forbidden = [m for m in matches if m.flagged]
        respell = sum(1 for m in matches if m.respell)
        click.echo(f"{len(matches)} terms, {len(forbidden)} forbidden, {respell} to respell", err=True)
        sys.exit(1 if forbidden else 0)
    enforcer = Enforcer(concepts, draft["source_lang"], draft["target_lang"])
    expected = found = bad = 0
    for seg in draft["segments"]:
        report = enforcer.check(seg["source"], seg["target"])
        expected += len(report.expected)
        found += len(report.found)
        if report.missing or report.forbidden or report.misspelt:
            bad += 1
            click.echo(f"segment {seg['index']}: missing {report.missing} forbidden {report.forbidden}"
                       + (f" respell {report.misspelt}" if report.misspelt else ""))
            click.echo(f"    {seg['target']}")
    accuracy = found / expected if expected else 1.0
    click.echo(f"{expected} terms expected, {found} found; term accuracy {accuracy:.1%}; "
               f"{bad} segments with problems")
    sys.exit(1 if bad else 0)
