"""``dragoman submit | status | retry | worker | serve | reconcile | keys``: jobs on the command line."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

import click

from common.settings import Settings
from newsroom.lifecycle import FAILED, UNFINISHED
from newsroom.requests import (
    DEFAULT_PRIORITY,
    EXIT_INPUT,
    EXIT_USAGE,
    PRIORITIES,
    ArticleRequest,
    RequestError,
    prepare,
)
from translate.registry import MODELS

EXIT_FAILED = 5


def _fail(message: str, code: int) -> None:
    click.echo(f"dragoman: {message}", err=True)
    sys.exit(code)


def read_request(file, settings: Settings, **fields) -> ArticleRequest:
    """The article in the open (binary) ``file`` with ``fields``, checked like every other way
    in (``newsroom.requests``; glossary files allowed); exits with the refusal's code."""
    from translate.formats import format_for

    name = getattr(file, "name", "-")
    default_format = format_for(None if name in ("-", "<stdin>") else name)
    try:
        data = file.read(settings.max_article_bytes + 1)  # one byte over is enough to refuse it
        return prepare({**fields, "text": data}, settings, glossaries=None, default_format=default_format)
    except RequestError as exc:
        _fail(exc.message, exc.exit_code)
        raise  # not reached: _fail exits


def _service(settings: Settings):
    from workers.service import JobService

    return JobService(settings)


@click.command()
@click.argument("source", type=click.File("rb"))
@click.option("--to", "to", required=True, metavar="LANGS", help="Target languages, e.g. tr,sq,sr-Cyrl.")
@click.option("--from", "from_", metavar="LANG", help="Source language (detected when omitted).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html"]))
@click.option("--glossary", default="", metavar="db|seed|FILE")
@click.option("--priority", type=int, default=DEFAULT_PRIORITY, show_default=True,
              help=f"{PRIORITIES[0]} lowest ... {PRIORITIES[-1]} most urgent.")
@click.option("--callback", default="", help="URL to POST to when the drafts are ready.")
@click.option("--wait", is_flag=True, help="Wait for the drafts, with a progress bar.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="With --wait: write drafts here.")
@click.pass_context
def submit(ctx, source, to, from_, fmt, glossary, priority, callback, wait, out) -> None:
    """Submit an article as a job; prints the job id (or, with --wait, the drafts)."""
    settings: Settings = ctx.obj
    name = getattr(source, "name", "-")
    request = read_request(source, settings, targets=to, source=from_, format=fmt, glossary=glossary,
                           priority=priority, callback_url=callback)
    from translate.formats import EXTENSIONS

    fmt = request.format
    service = _service(settings)
    job = service.submit(request, submitted_by="cli")
    if not wait:
        if service.embedded:
            service.dispatcher.drain()  # no workers elsewhere: finish here before the process ends
        click.echo(job["id"])
        return
    job = _wait(service, job["id"])
    for draft in job["drafts"]:
        click.echo(f"{draft['target_lang']}: {draft['state']} {draft['done']}/{draft['total']} segments "
                   f"(draft {draft['id']}){' - ' + draft['error'] if draft['error'] else ''}", err=True)
        if out and draft["state"] == "draft_ready":
            out.mkdir(parents=True, exist_ok=True)
            stem = "article" if name in ("-", "<stdin>") else Path(name).stem
            path = out / f"{stem}.{draft['target_lang']}{EXTENSIONS[fmt]}"
            path.write_bytes(_render(service, draft["id"]).encode("utf-8"))
            click.echo(str(path))
    click.echo(job["id"])
    sys.exit(0 if job["state"] == "draft_ready" else EXIT_FAILED)


def _render(service, draft_id: str) -> str:
    from translate.formats import render_stored

    return render_stored(service.store.draft(draft_id))


def _wait(service, job_id: str, poll: float = 0.3) -> dict:
    from tqdm import tqdm

    bar = tqdm(total=0, unit="seg", file=sys.stderr, desc=job_id[:8])
    try:
        while True:
            if service.embedded:
                service.dispatcher.drain()
            job = service.store.job(job_id)
            total = sum(d["total"] for d in job["drafts"])
            done = sum(d["done"] for d in job["drafts"])
            bar.total = total
            bar.update(done - bar.n)
            if job["state"] not in UNFINISHED:
                return job
            time.sleep(poll)
    finally:
        bar.close()


@click.command()
@click.argument("job_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def status(ctx, job_id, as_json) -> None:
    """Show a job's state and its drafts' progress."""
    from newsroom.jobs import JobStore

    job = JobStore(ctx.obj.database_url).job(job_id)
    if job is None:
        _fail(f"no job {job_id}", EXIT_INPUT)
    if as_json:
        job.pop("text")
        click.echo(json.dumps(job, default=str, indent=1))
        return
    click.echo(f"job {job['id']}: {job['state']} ({job['source_lang']}, priority {job['priority']})")
    for d in job["drafts"]:
        hop = f", hop {d['hop'] + 1}/{d['hops']}" if d["hops"] > 1 else ""
        click.echo(f"  {d['target_lang']:8} {d['state']:12} {d['done']}/{d['total']}{hop}  draft {d['id']}"
                   + (f"  {d['error']}" if d["error"] else ""))


@click.command()
@click.argument("draft_id")
@click.pass_context
def retry(ctx, draft_id) -> None:
    """Send a failed draft back to work (e.g. after its missing model was installed); prints its new
    state. Only the segments still missing are translated."""
    from newsroom.lifecycle import TransitionError

    service = _service(ctx.obj)
    try:
        service.retry(draft_id, "cli")
    except KeyError:
        _fail(f"no draft {draft_id}", EXIT_USAGE)
    except TransitionError as exc:
        _fail(f"draft {draft_id} cannot be retried: {exc}", EXIT_USAGE)
    if service.embedded:
        service.dispatcher.drain()  # no workers elsewhere: translate it here before the process ends
    draft = service.store.draft(draft_id)
    click.echo(f"draft {draft_id}: {draft['state']}" + (f" - {draft['error']}" if draft["error"] else ""))
    sys.exit(EXIT_FAILED if draft["state"] == FAILED else 0)


@click.command()
@click.option("--directions", default=",".join(MODELS), show_default=True,
              help="Model directions whose queues (mt.<dir>) this worker serves; pivots hop through them.")
@click.option("--mode", type=click.Choice(["shared", "processes"]), default="shared", show_default=True,
              help="shared: one process, one copy of each model running N batches at once, many jobs in flight "
                   "batched together; processes: N processes, each with its own copy, one job at a time each.")
@click.option("--concurrency", "-c", type=int, default=0,
              help="N: batches at once (shared) or processes (processes); 0 = one per CPU core.")
@click.option("--tasks", type=int, default=0, help="shared: jobs in flight at once (0 = 8 per batch slot).")
@click.option("--loglevel", default="INFO")
@click.pass_context
def worker(ctx, directions, mode, concurrency, tasks, loglevel) -> None:
    """Run a Celery worker for some directions (needs DRAGOMAN_REDIS_URL); each of its processes also
    sends the outbox (hops, callbacks) and runs the reconciler."""
    from translate.backends.tuning import available_cores

    settings: Settings = ctx.obj
    keys = [d.strip() for d in directions.split(",") if d.strip()]
    bad = [k for k in keys if k not in MODELS]
    if bad:
        _fail(f"unknown direction {', '.join(bad)}; expected some of {', '.join(MODELS)}", EXIT_USAGE)
    if not settings.redis_url:
        _fail("a worker needs DRAGOMAN_REDIS_URL (without Redis, `dragoman serve` runs jobs itself)", EXIT_USAGE)
    n = concurrency or available_cores()
    os.environ["DRAGOMAN_WORKER_DIRECTIONS"] = ",".join(keys)  # each process loads these after the fork
    os.environ["DRAGOMAN_WORKER_MODE"] = mode
    inter = str(n if mode == "shared" else 1)
    if concurrency or mode == "processes":  # an explicit -c wins over the environment
        os.environ["DRAGOMAN_INTER_THREADS"] = inter
    os.environ.setdefault("DRAGOMAN_INTER_THREADS", inter)
    os.environ.setdefault("DRAGOMAN_THREADS", str(max(1, available_cores() // n)))
    from workers.app import app

    queues = ",".join([f"mt.{k}" for k in keys] + ["mt.script"])
    pool, slots = ("threads", tasks or 8 * n) if mode == "shared" else ("prefork", n)
    app.worker_main(["worker", "-Q", queues, "-c", str(slots), "-P", pool, "-l", loglevel,
                     "--prefetch-multiplier=1", "-E"])


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_context
def serve(ctx, host, port) -> None:
    """Run the HTTP API, the outbox drainer and the reconciler (without Redis, the jobs themselves)."""
    import uvicorn

    from desk.api import create_app

    settings: Settings = ctx.obj
    service = _service(settings)
    app = create_app(settings, service)  # first: its imports (redis for the limits) complete before any thread runs
    service.start_background()  # a thread: hops and callbacks nobody is sending, leases that ran out
    try:
        uvicorn.run(app, host=host, port=port)
    finally:  # SIGTERM or ^C: uvicorn has finished its requests; the sends in hand finish too
        service.close()


@click.command()
@click.option("--older-than", default=None, type=int, help="Seconds untouched (default DRAGOMAN_RECONCILE_AFTER).")
@click.pass_context
def reconcile(ctx, older_than) -> None:
    """Enqueue again the drafts whose messages were lost."""
    service = _service(ctx.obj)
    redone = service.reconcile(timedelta(seconds=older_than) if older_than else None)
    if service.embedded:
        service.dispatcher.drain()
    click.echo(f"re-enqueued {len(redone)} drafts" + (": " + ", ".join(redone) if redone else ""))


@click.group()
def keys() -> None:
    """API keys (stored hashed)."""


@keys.command("create")
@click.option("--role", type=click.Choice(["submitter", "reviewer", "admin"]), required=True)
@click.option("--name", default="", help="Who or what the key is for.")
@click.pass_context
def keys_create(ctx, role, name) -> None:
    """Create a key; it is shown once."""
    from desk.keys import KeyStore

    key_id, key = KeyStore(ctx.obj.database_url).create(name or role, role)
    click.echo(key)
    click.echo(f"key {key_id} ({role}) created; it is shown only now", err=True)


@keys.command("list")
@click.pass_context
def keys_list(ctx) -> None:
    from desk.keys import KeyStore

    for record in KeyStore(ctx.obj.database_url).list():
        click.echo(json.dumps(record, default=str))


@keys.command("revoke")
@click.argument("key_id")
@click.pass_context
def keys_revoke(ctx, key_id) -> None:
    from desk.keys import KeyStore

    if not KeyStore(ctx.obj.database_url).revoke(key_id):
        _fail(f"no such key {key_id} (see `dragoman keys list`)", EXIT_USAGE)
    click.echo(f"revoked {key_id}")


COMMANDS = [submit, status, retry, worker, serve, reconcile, keys]
