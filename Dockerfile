# dragoman: one image for the API, the Celery workers and the CLI.
# Runtime is CTranslate2 + sentencepiece only (no PyTorch): models arrive already converted
# (*.ct2 directories) in the /models volume, put there with `dragoman models pull` on a
# connected machine.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DRAGOMAN_MODELS_DIR=/models \
    DRAGOMAN_ENGINE=ct2 \
    DRAGOMAN_DEVICE=cpu \
    DRAGOMAN_OFFLINE=true

# Unprivileged user; /models is created here so that a fresh named volume mounted on it
# inherits this ownership.
RUN groupadd --system --gid 10001 dragoman \
 && useradd --system --uid 10001 --gid dragoman --home-dir /app --shell /usr/sbin/nologin dragoman \
 && mkdir -p /app /models \
 && chown dragoman:dragoman /app /models

WORKDIR /app

# The whole build context (trimmed by .dockerignore) so that any package pyproject.toml lists
# is picked up; the source copy is removed after a regular (non-editable) install.
COPY . /tmp/src
RUN pip install --no-cache-dir /tmp/src \
 && rm -rf /tmp/src /root/.cache

USER dragoman

EXPOSE 8000

CMD ["dragoman", "serve", "--host", "0.0.0.0", "--port", "8000"]
