# dragoman images, one multi-stage build:
#
#   docker build -t dragoman .                          the API, CPU workers and the CLI (default target):
#                                                       CTranslate2 + sentencepiece only, no PyTorch
#   docker build --target tools -t dragoman-tools .     + PyTorch (CPU) and transformers: `dragoman models
#                                                       pull` (download and convert), the transformers engine
#   docker build --target worker-gpu -t dragoman-gpu .  GPU workers: CUDA 12 runtime with cuBLAS and cuDNN 9,
#                                                       which CTranslate2's wheels load (DRAGOMAN_DEVICE=cuda)
#
# Models arrive already converted (*.ct2 directories) in the /models volume, put there by `dragoman
# models pull` (the tools image, e.g. the Kubernetes Job in deploy/k8s/base/models.yaml).

# --- build: wheels of dragoman and everything it needs -----------------------------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# The whole build context (trimmed by .dockerignore) so that any package pyproject.toml lists is picked up.
COPY . /src
RUN pip wheel --wheel-dir /wheels /src

# --- runtime (default): API, CPU workers, CLI; torch-free --------------------------------------------
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DRAGOMAN_MODELS_DIR=/models \
    DRAGOMAN_ENGINE=ct2 \
    DRAGOMAN_DEVICE=cpu \
    DRAGOMAN_OFFLINE=true
# Unprivileged user; /models is created here so that a fresh named volume mounted on it inherits
# this ownership.
RUN groupadd --system --gid 10001 dragoman \
 && useradd --system --uid 10001 --gid dragoman --home-dir /app --shell /usr/sbin/nologin dragoman \
 && mkdir -p /app /models \
 && chown dragoman:dragoman /app /models
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-index --find-links /tmp/wheels dragoman \
 && rm -rf /tmp/wheels /root/.cache \
 && ! python -c "import torch" 2>/dev/null
WORKDIR /app
USER dragoman
EXPOSE 8000
CMD ["dragoman", "serve", "--host", "0.0.0.0", "--port", "8000"]

# --- tools: + PyTorch (the CPU build) and transformers, to pull and convert models --------------------
FROM runtime AS tools
USER root
COPY --from=build /wheels /tmp/wheels
RUN pip install torch==2.13.0 \
 && pip install --find-links /tmp/wheels 'dragoman[torch]' \
 && rm -rf /tmp/wheels /root/.cache
USER dragoman
ENV DRAGOMAN_OFFLINE=false
CMD ["dragoman", "models", "list"]

# --- worker-gpu: CUDA 12 runtime (libcublas.so.12, cuDNN 9) for CTranslate2 on NVIDIA GPUs -------------
FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04 AS worker-gpu
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DRAGOMAN_MODELS_DIR=/models \
    DRAGOMAN_ENGINE=ct2 \
    DRAGOMAN_DEVICE=cuda \
    DRAGOMAN_OFFLINE=true \
    PATH=/opt/dragoman/bin:$PATH
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 dragoman \
 && useradd --system --uid 10001 --gid dragoman --home-dir /app --shell /usr/sbin/nologin dragoman \
 && mkdir -p /app /models \
 && chown dragoman:dragoman /app /models
# Ubuntu 24.04's Python is 3.12: dragoman is installed from source (the build stage's wheels are 3.11's).
COPY . /tmp/src
RUN python3 -m venv /opt/dragoman \
 && /opt/dragoman/bin/pip install /tmp/src \
 && rm -rf /tmp/src /root/.cache \
 && ! /opt/dragoman/bin/python -c "import torch" 2>/dev/null
WORKDIR /app
USER dragoman
CMD ["dragoman", "worker", "--mode", "shared"]
