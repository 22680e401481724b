"""The ``dragoman`` command line. It reads the same settings table as everything else
(``DRAGOMAN_*`` variables); options given here override them for one run.

Exit codes: 0 done; 2 bad usage or unknown language; 3 the article cannot be read or translated
(empty, not UTF-8, binary, too large) or its glossary cannot be loaded; 4 a model is missing; 5 a job
or draft failed (``submit --wait``, ``retry``); 1 anything unexpected. An article is checked by
``newsroom.requests`` like every other way in: the same input gets the same message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from common.languages import LANGUAGES, NAMES, Direction
from common.settings import Settings
from newsroom.requests import EXIT_INPUT, EXIT_USAGE
from translate.models import ConversionUnavailable, MissingModelError, ModelStore
from translate.registry import MODELS, route

EXIT_MODEL = 4  # EXIT_USAGE (2) and EXIT_INPUT (3) come with the request checks: newsroom.requests
PROGRESS_MIN = 32  # sentences: show a progress bar from this many on


def fail(message: str, code: int) -> None:
    click.echo(f"dragoman: {message}", err=True)
    sys.exit(code)


def settings_from(ctx: click.Context) -> Settings:
    return ctx.obj


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--models-dir", type=click.Path(path_type=Path), help="Overrides DRAGOMAN_MODELS_DIR.")
@click.pass_context
def cli(ctx: click.Context, models_dir: Path | None) -> None:
    """dragoman: translate news articles between English, Turkish, Albanian and Serbian."""
    settings = Settings()
    if models_dir:
        settings = settings.model_copy(update={"models_dir": models_dir})
    ctx.obj = settings


@cli.command()
@click.argument("source", type=click.File("rb"))
@click.option("--from", "from_", metavar="LANG", help="Source language (detected when omitted).")
@click.option("--to", "to", required=True, metavar="LANGS", help="Target languages, e.g. tr,sq,sr-Cyrl.")
@click.option("--engine", type=click.Choice(["ct2", "transformers"]), help="Overrides DRAGOMAN_ENGINE.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html"]),
              help="Article format (default: from the file name, .md or .html; text for stdin).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write NAME.LANG.EXT and NAME.LANG.json (segments and flags) here.")
@click.option("--beam", type=click.IntRange(1, 16), help="Overrides DRAGOMAN_BEAM_SIZE.")
@click.option("--glossary", "glossary_spec", metavar="db|seed|FILE",
              help="Enforce a glossary: the stored one (db), the built-in seed, or a CSV/TBX file.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or flag summary.")
@click.pass_context
def translate(ctx, source, from_, to, engine, fmt, out, beam, glossary_spec, quiet) -> None:
    """Translate an article FILE (or - for standard input)."""
    from desk.cli_jobs import read_request
    from translate.backends.tuning import chunk_sentences
    from translate.engines import Engines
    from translate.pipeline import ArticleError, translate_article

    settings: Settings = settings_from(ctx)
    updates = {k: v for k, v in {"engine": engine, "beam_size": beam}.items() if v}
    settings = settings.model_copy(update=updates) if updates else settings
    name = getattr(source, "name", "-")
    request = read_request(source, settings, targets=to, source=from_, format=fmt,
                           glossary=glossary_spec or settings.glossary)
    if request.detected and not quiet:
        click.echo(f"detected source language: {request.source_label} ({NAMES[request.source]}, confidence "
                   f"{request.confidence})", err=True)
    directions, fmt = request.directions, request.format
    glossary, version = list(request.concepts) or None, request.glossary_version
    engines = Engines(settings)
    try:
        for direction in directions:
            engines.check(direction)
        for direction in directions:
            draft = translate_article(request.text, direction, engines.get(direction), fmt,
                                      progress=None if quiet else _progress_bar(direction),
                                      max_bytes=settings.max_article_bytes, glossary=glossary,
                                      glossary_version=version, chunk=chunk_sentences(settings))
            _emit(draft, direction, name, fmt, out, multiple=len(directions) > 1, quiet=quiet)
    except MissingModelError as exc:
        fail(str(exc), EXIT_MODEL)
    except ArticleError as exc:
        fail(f"{name}: {exc}", EXIT_INPUT)


def _progress_bar(direction: Direction):
    from tqdm import tqdm

    state: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        if total < PROGRESS_MIN:
            return
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = tqdm(total=total, desc=str(direction), unit="sent", file=sys.stderr,
                                      leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def _emit(draft, direction: Direction, name: str, fmt: str, out: Path | None, multiple: bool,
          quiet: bool) -> None:
    from translate.formats import EXTENSIONS

    rendered = draft.render()
    if not quiet:
        for note in draft.notes:
            click.echo(f"{direction}: {note}", err=True)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        stem = "article" if name in ("-", "<stdin>") else Path(name).stem
        ext = EXTENSIONS[fmt]
        (out / f"{stem}.{direction.target}{ext}").write_bytes(rendered.encode("utf-8"))  # line endings as rendered
        (out / f"{stem}.{direction.target}.json").write_text(
            json.dumps(draft.to_dict(), ensure_ascii=False, indent=1), "utf-8")
        click.echo(str(out / f"{stem}.{direction.target}{ext}"))
    else:
        if multiple:
            click.echo(f"=== {direction.target} ===")
        click.echo(rendered, nl=False)
    if not quiet:
        flagged = draft.flagged
        counts: dict[str, int] = {}
        for seg in flagged:
            for flag in seg.flags:
                counts[flag] = counts.get(flag, 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
        accuracy = draft.term_accuracy
        terms = "" if accuracy is None else f"; term accuracy {accuracy:.1%}"
        click.echo(f"{direction}: {len(draft.segments)} segments, {len(flagged)} flagged ({summary}){terms}",
                   err=True)


@cli.command()
def languages() -> None:
    """List the languages and how each pair is routed."""
    for tag in LANGUAGES:
        click.echo(f"{tag:8} {NAMES[tag]}")
    click.echo("")
    for src in LANGUAGES:
        for tgt in LANGUAGES:
            if src != tgt:
                hops = route(Direction(src, tgt))
                how = " + ".join(h.key for h in hops) if hops else "script conversion"
                click.echo(f"{src:>8} → {tgt:8} {how}")


@cli.group()
def models() -> None:
    """Download, convert, list and verify the MarianMT models."""


def _keys(keys: tuple[str, ...]) -> list[str]:
    bad = [k for k in keys if k not in MODELS]
    if bad:
        fail(f"unknown model direction {', '.join(bad)}; expected some of {', '.join(MODELS)}", EXIT_USAGE)
    return list(keys) or list(MODELS)


def _pin(st, change: str | None) -> str:
    """What `models list` says about a model's manifest: revision, quantization, fixture."""
    if st.state == "missing":
        return ""
    parts = [f"revision {st.revision[:12]}" if st.revision else ""] if st.manifest else ["no manifest"]
    parts += [f"quantization {st.quantization}" if st.quantization else "",
              f"[fixture: {st.fixture}]" if st.fixture else "",
              f"(reconvert: {change})" if change else ""]
    return "  " + "  ".join(p for p in parts if p)


@models.command("list")
@click.pass_context
def models_list(ctx) -> None:
    """Show each direction's model as converted, present or missing, with its pinned revision."""
    store = ModelStore(settings_from(ctx))
    for st in store.statuses():
        change = store.conversion_change(st.key) if st.state == "converted" else None
        click.echo(f"{st.key:6} {st.state:9} {st.model_id}  {st.path}{_pin(st, change)}".rstrip())


@models.command("pull")
@click.argument("keys", nargs=-1)
@click.option("--revision", metavar="REV", help="Branch, tag or commit to pull (one KEY only; default main).")
@click.option("--convert/--no-convert", default=True, help="Convert for CTranslate2 after download.")
@click.pass_context
def models_pull(ctx, keys, revision, convert) -> None:
    """Download models from the Hugging Face hub (all directions unless KEYS are given), pinned to
    the commit they come from."""
    if revision and len(keys) != 1:
        fail("--revision pins one model: name exactly one direction, e.g. `models pull en-tr --revision REV`",
             EXIT_USAGE)
    store = ModelStore(settings_from(ctx))
    for key in _keys(keys):
        try:
            click.echo(f"{key}: downloading {store.spec(key).model_id} ...", err=True)
            path = store.pull(key, revision)
            pinned = store.manifest(key)
            click.echo(f"{key}: {path} (revision {pinned.revision if pinned and pinned.revision else 'unknown'})")
            if convert:
                _convert(store, key, None, force=False)
        except MissingModelError as exc:
            fail(str(exc), EXIT_MODEL)
        except ConversionUnavailable as exc:
            click.echo(f"{key}: downloaded; not converted: {exc}", err=True)


def _convert(store: ModelStore, key: str, quantization: str | None, force: bool) -> None:
    change = "forced" if force else store.conversion_change(key, quantization)
    if change is None:
        click.echo(f"{key}: {store.ct2_dir(key)} is up to date (kept)")
        return
    click.echo(f"{key}: converted {store.convert(key, quantization, force=True)} ({change})")


@models.command("convert")
@click.argument("keys", nargs=-1)
@click.option("--quantization", help="Stored weight type (default DRAGOMAN_CT2_QUANTIZATION).")
@click.option("--force", is_flag=True, help="Convert even when the conversion is up to date.")
@click.pass_context
def models_convert(ctx, keys, quantization, force) -> None:
    """Convert downloaded models to CTranslate2 (needs the torch extra). A conversion is kept while
    its quantization and the source model's revision match; otherwise it is made again."""
    store = ModelStore(settings_from(ctx))
    for key in _keys(keys):
        if not store.has_hf(key):
            if keys:
                fail(store.missing_message(key), EXIT_MODEL)
            continue
        try:
            _convert(store, key, quantization, force)
        except (MissingModelError, ConversionUnavailable) as exc:
            fail(str(exc), EXIT_MODEL)


@models.command("verify")
@click.argument("keys", nargs=-1)
@click.pass_context
def models_verify(ctx, keys) -> None:
    """Check the files of every present model (or of KEYS) against their manifests; exit 1 naming
    each file that differs, is missing or is extra, and each directory without a manifest."""
    store = ModelStore(settings_from(ctx))
    bad = 0
    for key in _keys(keys):
        results = store.verify(key)
        if not results and keys:
            click.echo(f"{key:6} missing  {store.hf_dir(key)}")
            bad += 1
        for directory, problems in results:
            click.echo(f"{key:6} {'FAILED' if problems else 'ok':7} {directory}")
            for problem in problems:
                click.echo(f"    {problem}")
            bad += bool(problems)
    if bad:
        fail(f"{bad} model director{'y' if bad == 1 else 'ies'} failed verification", 1)


def _register() -> None:
    from desk.cli_glossary import glossary
    from desk.cli_jobs import COMMANDS

    cli.add_command(glossary)
    for command in COMMANDS:
        cli.add_command(command)


_register()


def main() -> None:
    try:
        cli(prog_name="dragoman")
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
