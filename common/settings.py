"""The one settings table. Every option is a field here, read from ``DRAGOMAN_*`` environment
variables (or a ``.env`` file); the CLI, the workers and the API all read this same table.

Nested values use JSON, e.g. ``DRAGOMAN_MODEL_OVERRIDES='{"en-tr": "/srv/models/my-en-tr"}'``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.languages import SR_CYRL, SR_LATN


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DRAGOMAN_", env_file=".env", extra="ignore")

    # --- models -------------------------------------------------------------------------------
    models_dir: Path = Field(Path("models"), description="Where model directories live.")
    model_overrides: dict[str, str] = Field(
        default_factory=dict,
        description='Direction -> model id or local directory, e.g. {"en-tr": "/srv/en-tr"}.',
    )
    offline: bool = Field(False, description="Never try to download; fail with a how-to message.")

    # --- engine -------------------------------------------------------------------------------
    engine: Literal["ct2", "transformers"] = "ct2"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: str = Field("auto", description="CTranslate2 compute type; auto = int8 on CPU, float16 on "
                                                  "CUDA where the card supports it, else float32.")
    ct2_quantization: str = Field("int8", description="Weight type stored by `models convert`.")
    threads: int = Field(0, ge=0, description="CPU threads per batch (CTranslate2 intra_threads; 0 = auto, "
                         "see translate/backends/tuning.py).")
    inter_threads: int = Field(0, ge=0, description="Batches a model runs at once (CTranslate2 inter_threads, "
                               "model replicas sharing the weights; 0 = auto: one per core on CPU, 1 on CUDA).")

    # --- decoding -----------------------------------------------------------------------------
    beam_size: int = Field(4, ge=1, le=16)
    max_input_tokens: int = Field(256, ge=8, description="Longer sentences are split at clauses.")
    max_decoding_ratio: float = Field(2.0, ge=0, description="Output length limit / input length.")
    max_decoding_extra: int = Field(10, ge=0, description="Added to the output length limit.")
    repetition_penalty: float = Field(1.0, ge=1.0)
    no_repeat_ngram_size: int = Field(0, ge=0)
    batch_tokens: int = Field(0, ge=0, description="Most padded tokens in one batch (0 = auto: 2,048 on CPU, "
                              "16,384 on CUDA).")
    batch_size: int = Field(0, ge=0, description="Most sentences in one batch (0 = auto: 48 at beam 1 and 16 "
                            "above on CPU, 1,024 on CUDA).")
    batch_wait_ms: float = Field(20.0, ge=0, description="A worker waits this long for other jobs of the same "
                                 "direction to join a batch (0 = no waiting; work arriving together is still "
                                 "batched).")
    part_tokens: int = Field(1024, ge=1, description="A draft hop with more source tokens than this is cut into "
                             "parts of whole sentences that several workers translate at once.")
    chunk_sentences: int = Field(0, ge=0, description="Sentences per engine call in the pipeline: progress "
                                 "is reported (and a job's results stored) after each chunk (0 = auto: on CPU "
                                 "two batches per replica, at least 64; on CUDA two full batches).")

    # --- storage ------------------------------------------------------------------------------
    database_url: str = Field("sqlite:///dragoman.db", description="SQLAlchemy URL of the glossary "
                              "(and job) store: SQLite by default, PostgreSQL in production.")
    glossary: str = Field("", description="Glossary used by `translate` when none is given: a store "
                          "name in the database, or a CSV/TBX file.")

    # --- queue and workers ----------------------------------------------------------------------
    redis_url: str = Field("", description="Celery broker; empty = embedded mode (jobs run in-process).")
    task_soft_time_limit: int = Field(3300, ge=1, description="Seconds before a hop task is asked to stop.")
    task_time_limit: int = Field(3600, ge=1, description="Seconds before a hop task is killed.")
    visibility_timeout: int = Field(3900, ge=1, description="Seconds before Redis redelivers an unacked task; "
                                    "must exceed task_time_limit.")
    task_max_retries: int = Field(5, ge=0, description="Retries (with backoff) for transient errors only.")
    reconcile_after: int = Field(900, ge=1, description="Seconds an unfinished draft no worker holds may sit "
                                 "untouched before the reconciler enqueues it again (its message was lost).")
    reconcile_every: int = Field(15, ge=1, description="Seconds between reconciler passes, in `serve` and in "
                                 "every worker process; a draft whose lease ran out is handed out again then.")
    lease_seconds: int = Field(30, ge=3, description="A worker's lease on the draft it translates, renewed "
                               "every third of it while it works; once it runs out (the worker died) the "
                               "reconciler hands the draft out again.")
    task_max_deliveries: int = Field(3, ge=1, description="Times a hop may be delivered without finishing (its "
                                     "worker died) before its draft fails as a poison task.")
    worker_max_memory_mb: int = Field(0, ge=0, description="A worker process is replaced after a task that "
                                      "leaves it above this resident memory (MB); 0 = no limit.")
    worker_max_tasks: int = Field(0, ge=0, description="A worker process is replaced after this many tasks; "
                                  "0 = no limit.")
    outbox_every: float = Field(1.0, gt=0, description="Seconds between looks at the outbox (hops to send to "
                                "the queue, callbacks to POST) by `serve` and the workers.")

    # --- callbacks (webhooks) -------------------------------------------------------------------
    callback_secret: str = Field("", description="Key of the X-Dragoman-Signature header, HMAC-SHA256 of the "
                                 "raw callback body; empty = callbacks are not signed.")
    callback_timeout: float = Field(10.0, gt=0, description="Seconds to connect to, and to wait for, a "
                                    "callback receiver.")
    callback_retry_hours: float = Field(24.0, gt=0, description="Hours a failing callback is retried (exponential "
                                        "backoff with jitter) before it is given up.")
    callback_retry_first: float = Field(2.0, gt=0, description="Seconds before the first retry of a failing "
                                        "callback; each next wait doubles (at most 30 minutes), minus jitter.")
    callback_allow_private: bool = Field(False, description="Allow callback URLs whose host is a private, "
                                         "loopback or link-local address (a receiver inside your own network).")

    # --- HTTP API -------------------------------------------------------------------------------
    admin_key: str = Field("", description="An admin API key accepted at start (bootstrap).")
    auth_required: bool = Field(True, description="Require an API key on every endpoint but /health.")
    rate_limit_per_minute: int = Field(60, ge=1, description="Requests per minute per API key (moving window; "
                                       "in Redis when redis_url is set, shared by every API process); a "
                                       "/translate batch counts one request per item.")
    quota_chars_per_day: int = Field(0, ge=0, description="Characters per API key per UTC day (POST /jobs: "
                                     "the article times its targets; /translate: its items); 0 = unlimited.")
    translate_max_items: int = Field(100, ge=1, description="Most q items in one /translate batch (413 beyond).")
    max_request_bytes: int = Field(5_000_000, ge=1000, description="Largest HTTP request body.")
    session_secret: str = Field("", description="Signs review-desk sessions: one secret, or several "
                                "comma-separated (the first signs, all are accepted: rotation); empty = a random "
                                "secret per start (sign-ins end on restart; set it when running several API "
                                "processes).")

    # --- review by risk (translate/risk.py) ---------------------------------------------------------
    risk_confidence_weight: float = Field(0.6, ge=0, description="Weight of (1 - confidence) in a segment's "
                                          "risk score; confidence = exp(mean log-probability per token).")
    risk_weights: dict[str, float] = Field(default_factory=dict, description='Flag -> weight in the risk score, '
                                           'over the defaults in translate/risk.py, e.g. {"end_stop": 0.2}.')
    risk_medium: float = Field(0.2, ge=0, description="Risk score from which a segment is medium risk.")
    risk_high: float = Field(0.5, ge=0, description="Risk score from which a segment is high risk.")
    quote_marks: dict[str, str] = Field(default_factory=dict, description='Language -> the double quotation marks '
                                        'its text uses, over the defaults (en “”", tr and sq “”, sr „“), e.g. '
                                        '{"sq": "«»“”"}.')
    auto_approve_tm: bool = Field(False, description="Approve low-risk exact translation-memory matches when "
                                  "a draft is ready (the history names auto-approve as who did it).")

    # --- articles -----------------------------------------------------------------------------
    max_article_bytes: int = Field(2_000_000, ge=1000, description="Largest article accepted.")
    html_translatable_attributes: str = Field(
        "alt,title,aria-label,aria-description,placeholder,data-caption",
        description="HTML attributes whose values are translated (comma-separated); every other attribute is "
                    "copied as it is.")
    html_never_translate: str = Field(
        "script,style,code,pre,kbd,samp,var,iframe,object,embed,svg,math,template,noscript,textarea,select,audio,"
        "video,canvas", description="HTML elements whose content is never translated (comma-separated); "
                                    "translate=\"no\" and class=\"notranslate\" work on any element too.")
    html_embed_classes: str = Field(
        "twitter-tweet,instagram-media,tiktok-embed,reddit-embed-bq,bluesky-embed",
        description="Classes of embedded posts (a tweet's <blockquote class=\"twitter-tweet\">): an element with "
                    "one of them is copied as it is.")

    # --- languages ----------------------------------------------------------------------------
    serbian_script: Literal["sr-Cyrl", "sr-Latn"] = SR_CYRL

    @field_validator("serbian_script", mode="before")
    @classmethod
    def _script(cls, value: str) -> str:
        lowered = str(value).lower()
        if lowered in {"latn", "latin", "sr-latn"}:
            return SR_LATN
        if lowered in {"cyrl", "cyrillic", "sr-cyrl"}:
            return SR_CYRL
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once; tests build their own ``Settings``)."""
    return Settings()
