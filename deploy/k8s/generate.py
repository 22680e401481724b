"""Write the worker manifests of deploy/k8s from the code that decides them: one worker Deployment per
language group, its KEDA ScaledObject (a redis trigger on every list Celery keeps the group's queues
in, one per priority step: ``workers.app.redis_lists``), its PodDisruptionBudget, and the gpu
overlay's patch of each. tests/unit/test_k8s.py fails when the files differ from what this writes.

    python deploy/k8s/generate.py

Memory requests come from measured resident memory: a worker process with its imports is 67 MB, and
each OPUS-MT base model (6+6 layers, d_model 512) loaded as int8 adds 85 MB (bench/engines.py
--workers, the README's Performance section). Measured 2026-11-30 on random Marians of both shapes
(CTranslate2 int8, dragoman's beam-4 plan, 2 replicas, 16 sentences a batch): a base model adds 82 MB
and its decoding 196-241 MB; a tc-big model (d_model 1024, 16 heads, FFN 4096) adds 236 MB and its
decoding 538-597 MB (the decoder's and the cross-attention's caches grow with d_model). Hence per
batch in flight (one per core) 120 MB of decoding for a group of base models, 300 MB where a tc-big
one may be decoding.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from workers.app import redis_lists  # noqa: E402

GROUPS = {  # group -> (directions, tc-big models among them); sr also serves script conversion (mt.script)
    "tr": (["en-tr", "tr-en"], 2),
    "sq": (["en-sq", "sq-en"], 0),
    "sr": (["en-sr", "sr-en"], 1),
}
CPUS = 2                     # per worker pod: the shared mode runs one batch per core
PROCESS_MB, BASE_MB, BIG_MB = 67, 85, 240
DECODING_MB, BIG_DECODING_MB = 120, 300  # per batch in flight
WAITING_PER_WORKER = 20      # KEDA adds a worker per this many messages waiting in a list
MAX_WORKERS = 10
GRACE_SECONDS = 120          # longer than a unit of work: a part of DRAGOMAN_PART_TOKENS tokens
LABELS = {"app.kubernetes.io/name": "dragoman", "app.kubernetes.io/component": "worker"}


def memory_mb(big: int, models: int) -> int:
    return PROCESS_MB + BASE_MB * (models - big) + BIG_MB * big + (BIG_DECODING_MB if big else DECODING_MB) * CPUS


def ping(period: int, failures: int) -> dict:
    return {"exec": {"command": ["sh", "-c", "celery -A workers inspect ping -d celery@$HOSTNAME -t 10"]},
            "periodSeconds": period, "timeoutSeconds": 20, "failureThreshold": failures}


def deployment(group: str, directions: list[str], big: int) -> dict:
    name = f"dragoman-worker-{group}"
    request = memory_mb(big, len(directions))
    labels = {**LABELS, "dragoman.io/group": group}
    container = {
        "name": "worker", "image": "dragoman",
        "command": ["dragoman", "worker", "--directions", ",".join(directions), "--mode", "shared"],
        "envFrom": [{"configMapRef": {"name": "dragoman-config"}}, {"secretRef": {"name": "dragoman-secrets"}}],
        "resources": {"requests": {"cpu": str(CPUS), "memory": f"{request}Mi"},
                      "limits": {"cpu": str(CPUS), "memory": f"{2 * request}Mi"}},
        "volumeMounts": [{"name": "models", "mountPath": "/models", "readOnly": True}],
        "startupProbe": ping(10, 30),      # models load before the first ping answers
        "readinessProbe": ping(30, 2),
        "livenessProbe": ping(60, 3),
    }
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": {
                         "terminationGracePeriodSeconds": GRACE_SECONDS,
                         "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001},
                         "containers": [container],
                         "volumes": [{"name": "models", "persistentVolumeClaim": {"claimName": "dragoman-models",
                                                                                 "readOnly": True}}]}}}}


def scaled_object(group: str, directions: list[str]) -> dict:
    queues = [f"mt.{d}" for d in directions] + (["mt.script"] if group == "sr" else [])
    triggers = [{"type": "redis", "name": f"{queue.replace('.', '-')}-{step}",
                 "metadata": {"addressFromEnv": "REDIS_ADDRESS", "databaseIndex": "0", "listName": name,
                              "listLength": str(WAITING_PER_WORKER), "activationListLength": "0"},
                 "authenticationRef": {"name": "dragoman-redis"}}
                for queue in queues for step, name in enumerate(redis_lists(queue))]
    return {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
            "metadata": {"name": f"dragoman-worker-{group}", "labels": {**LABELS, "dragoman.io/group": group}},
            "spec": {"scaleTargetRef": {"name": f"dragoman-worker-{group}"}, "pollingInterval": 15,
                     "cooldownPeriod": 300, "minReplicaCount": 0, "maxReplicaCount": MAX_WORKERS,
                     "triggers": triggers}}


def disruption_budget(group: str) -> dict:
    labels = {**LABELS, "dragoman.io/group": group}
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": f"dragoman-worker-{group}", "labels": labels},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels}}}


def gpu_patch(group: str, directions: list[str]) -> dict:
    """The gpu overlay: the CUDA image, DRAGOMAN_DEVICE=cuda, one GPU per worker pod."""
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": f"dragoman-worker-{group}"},
            "spec": {"template": {"spec": {
                "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
                "containers": [{"name": "worker", "image": "dragoman-gpu",
                                "env": [{"name": "DRAGOMAN_DEVICE", "value": "cuda"}],
                                "resources": {"requests": {"cpu": "2", "memory": "4Gi", "nvidia.com/gpu": "1"},
                                              "limits": {"cpu": "4", "memory": "8Gi", "nvidia.com/gpu": "1"}}}]}}}}


HEADER = "# Written by deploy/k8s/generate.py from the code (queues, priority lists, measured memory): do not edit.\n"


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # no &id001 anchors: every mapping written out in full
        return True


def render(documents: list[dict]) -> str:
    return HEADER + "---\n".join(yaml.dump(d, Dumper=_Dumper, sort_keys=False, width=120) for d in documents)


def files() -> dict[Path, str]:
    base = [doc for group, (directions, big) in GROUPS.items()
            for doc in (deployment(group, directions, big), scaled_object(group, directions), disruption_budget(group))]
    gpu = [gpu_patch(group, directions) for group, (directions, _) in GROUPS.items()]
    return {HERE / "base" / "workers.yaml": render(base), HERE / "overlays" / "gpu" / "workers-gpu.yaml": render(gpu)}


def main() -> int:
    for path, text in files().items():
        path.write_text(text, "utf-8")
        print(f"wrote {path.relative_to(HERE.parents[1])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
