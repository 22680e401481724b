#!/usr/bin/env bash
# The GPU check and measurement, one prepared script that ends within 10 minutes.
#
#   bash bench/gpu.sh --fetch    here, on a connected machine, once: the wheels the GPU machine lacks
#                                (ctranslate2, pydantic, pydantic-settings, babel, html5lib, mdit-py-plugins and their needs, for its
#                                Python 3.12) into .whl/ (ignored by git; about 55 MB)
#   bash bench/gpu.sh            there, from the repository root, with .whl carried along
#
# There it: (1) says what the machine is (GPU, driver, Python, torch); (2) installs the carried wheels
# into /tmp/site; (3) builds the OPUS-MT-shaped random Marian (torch and transformers are on the
# machine) and converts it to CTranslate2; (4) checks that DRAGOMAN_DEVICE=cuda loads it (the plan
# dragoman picks: compute type, batches by tokens), or says why not (CTranslate2's wheels need CUDA
# 12's cuBLAS, libcublas.so.12); (5) runs bench/engines.py --device cuda: CTranslate2 float16 and
# int8_float16 on batches of 4,096 to 32,768 tokens, dragoman's pipeline with its default plan, and
# transformers float16, beams 1 and 4; (6) the CPU sweep on the machine's cores, beam 1 (the
# defaults per core count). Every step has its own time limit; the log goes to $OUT/gpu.log.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

if [ "${1:-}" = "--fetch" ]; then
  mkdir -p .whl
  versions=$(. .venv/bin/activate 2>/dev/null || . /work/main/.venv/bin/activate; python -m pip freeze)
  for name in ctranslate2 pydantic pydantic_core pydantic-settings python-dotenv annotated-types typing-inspection babel html5lib webencodings mdit-py-plugins; do
    pinned=$(printf '%s\n' "$versions" | grep -i "^${name//[-_]/[-_]}==" || echo "$name")
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
      --platform manylinux2014_x86_64 --platform any -d .whl "$pinned" || echo "could not fetch $pinned" >&2
  done
  ls -la .whl && du -sh .whl
  exit 0
fi

LOG=${OUT:-/tmp}/gpu.log
exec > >(tee "$LOG") 2>&1
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD"
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "nvidia-smi: no NVIDIA GPU here"
nproc
$PY --version
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'gpu', torch.cuda.is_available())" \
  || echo "no torch: the transformers comparison and the model build will fail"

step "wheels"
if ls .whl/*.whl >/dev/null 2>&1; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    && export PYTHONPATH="/tmp/site:$PWD"
fi
$PY -c "import ctranslate2, pydantic_settings; print('ctranslate2', ctranslate2.__version__, 'cuda devices',
ctranslate2.get_cuda_device_count())" || { echo "ctranslate2 or pydantic-settings missing: run bench/gpu.sh --fetch on a connected machine and carry .whl"; exit 2; }

# CTranslate2's wheels load CUDA 12's cuBLAS by name (dlopen "libcublas.so.12", nothing linked). On a
# CUDA 13 machine (torch cu13x) only libcublas.so.13 is there: the functions CTranslate2 calls
# (cublasGemmEx, cublasGemmStridedBatchedEx, cublasSgemm_v2, ...) keep their signatures in 13, so
# the script tries cuBLAS 13 under the 12 name. An experiment, said so in the log: a supported GPU
# worker runs the Dockerfile's worker-gpu image (CUDA 12 with cuDNN), where none of this is needed.
if ! $PY -c "import ctypes; ctypes.CDLL('libcublas.so.12')" 2>/dev/null; then
  echo "libcublas.so.12 (CUDA 12's cuBLAS) is not on this machine"
  site=$($PY -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
  found=$(find "$site/nvidia" /usr/local/cuda*/lib64 /usr/local/cuda*/targets/*/lib /usr/lib/x86_64-linux-gnu \
          -name 'libcublas.so.1[3-9]*' 2>/dev/null | sort | head -1)
  if [ -n "$found" ]; then
    dir=$(dirname "$found"); shim=/tmp/cublas12; mkdir -p $shim
    ln -sf "$found" $shim/libcublas.so.12
    lt=$(ls "$dir"/libcublasLt.so.1[3-9]* 2>/dev/null | sort | head -1)
    [ -n "$lt" ] && ln -sf "$lt" $shim/libcublasLt.so.12
    export LD_LIBRARY_PATH="$shim:$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "EXPERIMENT: $found loaded as libcublas.so.12 (CTranslate2 not built for CUDA 13; figures below are this setup's)"
  else
    echo "no cuBLAS found at all: the CUDA steps below will say why they cannot run"
  fi
fi

step "model"
timeout 240 $PY -c "from bench.engines import prepare; print(prepare(None))" || { echo "could not build the model"; exit 3; }

step "dragoman on cuda: the plan, and one translation"
timeout 120 $PY - <<'EOF'
from pathlib import Path
from common.settings import Settings
from translate.backends.ct2 import Ct2Engine, Ct2Model
from translate.backends.tuning import plan
import ctranslate2
settings = Settings(device="cuda", beam_size=4)
try:
    print("supported on cuda:", sorted(ctranslate2.get_supported_compute_types("cuda")))
    print("plan:", plan(settings).describe())
    engine = Ct2Engine(Ct2Model(Path(".fixtures/big.ct2"), settings), settings)
    print("translated:", engine.translate(["The session of the assembly in Pristina was postponed."])[0])
except Exception as exc:  # e.g. "Library libcublas.so.12 is not found or cannot be loaded"
    print(f"CTranslate2 cannot run on this GPU here: {exc.__class__.__name__}: {exc}")
    print("(its Linux wheels need CUDA 12's cuBLAS, libcublas.so.12, and cuDNN 9 on the library path; "
          "the GPU worker image, Dockerfile target worker-gpu, starts from nvidia/cuda 12 with cuDNN)")
EOF

step "CTranslate2 vs transformers on the GPU (bench/engines.py --device cuda)"
timeout 300 $PY bench/engines.py --device cuda --beams 1,4 --repeat 2 --cuda-copies 20 \
  || echo "the GPU comparison did not finish (exit $?)"

step "CPU sweep on this machine's cores, beam 1 (bench/engines.py --sweep)"
remaining=$(( 560 - ($(date +%s) - started) ))
if [ "$remaining" -gt 60 ]; then
  timeout "$remaining" $PY bench/engines.py --sweep --beams 1 --repeat 1 || echo "the sweep stopped (exit $?)"
fi
step "done"
