"""deploy/k8s renders and validates offline: `kubectl kustomize` of each overlay, every object checked
against the Kubernetes schemas kubernetes-validate ships (strict: unknown fields are errors) and the
KEDA objects against the schemas in deploy/k8s/schemas; then what the deployment must hold (probes,
requests, budgets, a ScaledObject per worker group counting every priority list of its queues, a
grace period longer than a unit of work, GPUs in the gpu overlay). No network."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES = "1.30.0"  # the oldest Kubernetes these manifests are checked against (HPA v2, PDB policy/v1)


def render(overlay: str) -> list[dict]:
    if shutil.which("kubectl") is None:  # a failure, not a skip: without it nothing here is checked
        pytest.fail("kubectl is not installed: apt-get install kubernetes-client (bash .ci/run installs it)")
    done = subprocess.run(["kubectl", "kustomize", str(K8S / "overlays" / overlay)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def keda_schema(kind: str) -> dict:
    return json.loads((K8S / "schemas" / f"keda.sh_v1alpha1_{kind.lower()}.json").read_text("utf-8"))


def validate(doc: dict) -> None:
    if doc["apiVersion"].startswith("keda.sh/"):
        import jsonschema

        jsonschema.validate(doc, keda_schema(doc["kind"]))
    else:
        import kubernetes_validate

        kubernetes_validate.validate(doc, KUBERNETES, strict=True)


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


@pytest.mark.parametrize("overlay", ["cpu", "gpu"])
def test_each_overlay_renders_and_every_object_validates(overlay):
    docs = render(overlay)
    for doc in docs:
        validate(doc)
    assert {d["metadata"].get("namespace") for d in docs} == {"dragoman"}
    kinds = sorted({d["kind"] for d in docs})
    assert kinds == ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Job", "PersistentVolumeClaim",
                     "PodDisruptionBudget", "ScaledObject", "Service", "TriggerAuthentication"]


def test_the_validation_catches_mistakes():
    import jsonschema
    import kubernetes_validate

    docs = render("cpu")
    scaled = next(d for d in docs if d["kind"] == "ScaledObject")
    for broken in ({**scaled, "spec": {**scaled["spec"], "minReplicas": 0}},                      # a typo
                   {**scaled, "spec": {**scaled["spec"], "triggers": [{"type": "redis", "metadata": {}}]}}):
        with pytest.raises(jsonschema.ValidationError):
            validate(broken)
    api = by_kind(docs, "Deployment")["dragoman-api"]
    with pytest.raises(kubernetes_validate.ValidationError):
        validate({**api, "spec": {**api["spec"], "replica": 2}})


def test_workers_api_and_models_are_deployed_as_required():
    from deploy_k8s_generate import GRACE_SECONDS, GROUPS

    from workers.app import redis_lists

    docs = render("cpu")
    deployments, scaled = by_kind(docs, "Deployment"), by_kind(docs, "ScaledObject")
    budgets, hpas = by_kind(docs, "PodDisruptionBudget"), by_kind(docs, "HorizontalPodAutoscaler")
    for group, (directions, _) in GROUPS.items():
        name = f"dragoman-worker-{group}"
        pod = deployments[name]["spec"]["template"]["spec"]
        (worker,) = pod["containers"]
        assert worker["command"][:4] == ["dragoman", "worker", "--directions", ",".join(directions)]
        assert {"startupProbe", "readinessProbe", "livenessProbe"} <= set(worker)
        assert "inspect ping" in worker["livenessProbe"]["exec"]["command"][-1]
        assert worker["resources"]["requests"]["memory"].endswith("Mi")
        assert pod["terminationGracePeriodSeconds"] == GRACE_SECONDS >= 60
        assert any(v["persistentVolumeClaim"]["readOnly"] for v in pod["volumes"])
        spec = scaled[name]["spec"]
        assert spec["scaleTargetRef"]["name"] == name and spec["minReplicaCount"] == 0   # idle groups: no pods
        lists = {t["metadata"]["listName"] for t in spec["triggers"]}
        assert all(set(redis_lists(f"mt.{d}")) <= lists for d in directions)            # every priority's list
        assert budgets[name]["spec"]["maxUnavailable"] == 1
    api = deployments["dragoman-api"]["spec"]["template"]["spec"]["containers"][0]
    assert api["readinessProbe"]["httpGet"]["path"] == api["livenessProbe"]["httpGet"]["path"] == "/health"
    assert hpas["dragoman-api"]["spec"]["scaleTargetRef"]["name"] == "dragoman-api" and "dragoman-api" in budgets
    job = by_kind(docs, "Job")["dragoman-models-pull"]["spec"]["template"]["spec"]["containers"][0]
    assert "models pull" in job["command"][-1] and job["image"].endswith("dragoman-tools:latest")


def test_gpu_workers_ask_for_a_gpu_and_run_on_cuda():
    for deployment in by_kind(render("gpu"), "Deployment").values():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        if deployment["metadata"]["name"].startswith("dragoman-worker-"):
            assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
            assert {"name": "DRAGOMAN_DEVICE", "value": "cuda"} in container["env"]
            assert "dragoman-gpu" in container["image"]
        else:
            assert "nvidia.com/gpu" not in container["resources"]["limits"]


def test_the_generated_worker_manifests_are_up_to_date():
    from deploy_k8s_generate import files

    for path, text in files().items():
        assert path.read_text("utf-8") == text, f"{path} is stale: run python deploy/k8s/generate.py"


@pytest.fixture(autouse=True)
def _generator_importable(monkeypatch):
    """deploy/k8s/generate.py is a script, not a package: importable here as deploy_k8s_generate."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("deploy_k8s_generate", K8S / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, "deploy_k8s_generate", module)
