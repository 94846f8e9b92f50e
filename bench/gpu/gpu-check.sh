#!/usr/bin/env bash
# The one script to run on a GPU machine (no JDK, no network, a CUDA PyTorch install for python3, cmake, nvcc):
# it builds DJL's JNI against the installed torch, then runs lobench from the bundle on the GPU and writes
# everything under OUT. Each step has its own time limit and the whole run stays under --budget seconds.
#
# usage: bench/gpu/gpu-check.sh [--bundle DIR|TAR.XZ] [--torch DIR] [--out DIR] [--budget S] [--jobs N]
#   --bundle  a bundle from bench/gpu/bundle.sh (default: bench/gpu/bundle/lobench-bundle, else its .tar.xz)
#   --torch   the torch package folder (default: python3 -c 'import torch' -> its folder)
#   --out     results folder (default: $OUT, else ./gpu-check-out)
#   --budget  seconds for the whole script (default 480)
#   --device  gpu (default), or cpu to rehearse every step on a machine without a GPU (torch-reference is skipped)
# Steps (files in OUT):
#   1 machine.txt       GPU, driver, CUDA, torch; torch-reference.json: device-to-device copy bandwidth (the HBM
#                       floor) and torch.optim.Adam (fused) step times at 1M/10M/100M, measured with CUDA events
#   2 jni/              build-jni.sh log, BUILD-INFO and the built libdjl_torch.so (skipped when the bundle already
#                       has one for this torch in gpu/jni/pytorch/<version>-<flavor>-linux-x86_64/)
#   3 run-gpu/          lobench run --device gpu on quadratic-d100-k100 (adam, star, small-fc, velo-style, 200 steps)
#   4 overhead-gpu/     lobench overhead --device gpu --quick: adam, star, small-fc at synthetic-1M/10M/100M
#                       (optimizer only) and quadratic-d1000-k1000 (full step);
#     overhead-velo/    velo-style (runs on the host, a copy each way per step) at synthetic-1M/10M
#   5 run-cpu/          step 3 on --device cpu with the same libtorch, to compare losses
#     summary.txt       each step's exit code and seconds
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bundle=""
torch=""
out="${OUT:-$PWD/gpu-check-out}"
budget=480
device=gpu
jobs="$(nproc 2>/dev/null || echo 4)"
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle="${2:?}"; shift 2 ;;
    --torch) torch="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    --budget) budget="${2:?}"; shift 2 ;;
    --jobs) jobs="${2:?}"; shift 2 ;;
    --device) device="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$device" in gpu|cpu) ;; *) echo "gpu-check: --device must be gpu or cpu" >&2; exit 2 ;; esac
mkdir -p "$out"
out="$(cd "$out" && pwd)"
start=$(date +%s)
summary="$out/summary.txt"
: > "$summary"
left() { echo $(( budget - ($(date +%s) - start) )); }
# step NAME LIMIT_S CMD...: runs CMD with a time limit (never past the budget), logs to OUT/NAME.log
step() {
  local name="$1" limit="$2" l rc t0
  shift 2
  l="$(left)"
  if [ "$l" -lt 20 ]; then
    echo "$name: skipped (budget spent)" | tee -a "$summary"
    return 1
  fi
  [ "$limit" -gt "$l" ] && limit="$l"
  echo "== $name (limit ${limit}s)" >&2
  t0=$(date +%s)
  timeout -k 10 "$limit" "$@" > "$out/$name.log" 2>&1
  rc=$?
  echo "$name: rc=$rc $(( $(date +%s) - t0 ))s$([ $rc = 124 ] && echo ' (time limit)')" | tee -a "$summary"
  tail -n 5 "$out/$name.log" >&2
  return $rc
}

# the bundle
if [ -z "$bundle" ]; then
  if [ -d "$here/bundle/lobench-bundle" ]; then bundle="$here/bundle/lobench-bundle"
  elif [ -f "$here/bundle/lobench-bundle.tar.xz" ]; then bundle="$here/bundle/lobench-bundle.tar.xz"
  elif [ -f "$here/../BUNDLE" ]; then bundle="$(cd "$here/.." && pwd)"
  fi
fi
case "$bundle" in
  *.tar.xz)
    mkdir -p /tmp/lobench-gpu-check
    tar -C /tmp/lobench-gpu-check -xJf "$bundle" || { echo "gpu-check: cannot unpack $bundle" >&2; exit 2; }
    bundle=/tmp/lobench-gpu-check/lobench-bundle ;;
esac
[ -n "$bundle" ] && [ -f "$bundle/BUNDLE" ] || { echo "gpu-check: no bundle (run bench/gpu/bundle.sh on a machine with a JDK; give --bundle)" >&2; exit 2; }
bundle="$(cd "$bundle" && pwd)"
lob="$bundle/lobench"
if [ -z "$torch" ]; then
  torch="$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null)" \
    || { echo "gpu-check: no --torch DIR and python3 cannot import torch" >&2; exit 2; }
fi
cp "$bundle/BUNDLE" "$out/BUNDLE"

# 1 the machine, and PyTorch's own numbers on it
{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm)"
  echo "cpu: $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -1) x $(nproc)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.memory,pcie.link.gen.max --format=csv 2>&1
  nvidia-smi 2>&1 | sed -n 's/.*CUDA Version: *\([0-9.]*\).*/driver CUDA: \1/p'
  echo "nvcc: $(nvcc --version 2>&1 | tail -1)"
  echo "cmake: $(cmake --version 2>&1 | head -1)"
  PYTHONPATH="$(dirname "$torch")${PYTHONPATH:+:$PYTHONPATH}" python3 -c 'import torch; print("torch:", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), "at", torch.__file__)' 2>&1
} > "$out/machine.txt" 2>&1
cat "$out/machine.txt" >&2
cat > "$out/torch_reference.py" <<'PY'
# HBM floor and PyTorch's own Adam on this GPU: device-to-device copy bandwidth and torch.optim.Adam(fused=True)
# step times at 1M/10M/100M float32 parameters, CUDA events, median of 20 after 5 warm-up steps.
import json, sys, torch
dev = torch.device("cuda")
def median_ms(fn, n=20, warm=5):
    for _ in range(warm): fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(n):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); fn(); b.record(); torch.cuda.synchronize(); ts.append(a.elapsed_time(b))
    ts.sort(); return ts[len(ts) // 2]
res = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "cuda": torch.version.cuda, "rows": []}
for n in (1_000_000, 10_000_000, 100_000_000):
    x = torch.randn(n, device=dev); y = torch.empty_like(x)
    copy_ms = median_ms(lambda: y.copy_(x))
    p = torch.nn.Parameter(torch.randn(n, device=dev)); p.grad = torch.randn(n, device=dev) * 0.01
    row = {"params": n, "copy_ms": copy_ms, "copy_GBps": 2 * 4 * n / copy_ms / 1e6}
    for name, kw in (("adam_fused", {"fused": True}), ("adam_foreach", {"foreach": True})):
        opt = torch.optim.Adam([p], lr=1e-3, **kw)
        row[name + "_ms"] = median_ms(opt.step)
    row["floor_adam_ms"] = 7 * 4 * n / (row["copy_GBps"] * 1e6)
    row["floor_star_ms"] = 17 * 4 * n / (row["copy_GBps"] * 1e6)
    res["rows"].append(row)
    del x, y, p, opt
    torch.cuda.empty_cache()
json.dump(res, sys.stdout, indent=1)
PY
[ "$device" = gpu ] && step torch-reference 90 bash -c "python3 '$out/torch_reference.py' > '$out/torch-reference.json'"

# 2 DJL's JNI for this torch
mkdir -p "$out/jni"
. "$bundle/gpu/libtorch-env.sh"
lobench_libtorch_identify "$torch/lib" || exit 2
built="$bundle/gpu/jni/pytorch/$LOBENCH_LT_VERSION-$LOBENCH_LT_FLAVOR-linux-x86_64/$(sed -n 's/^djl_version=//p' "$bundle/BUNDLE")-libdjl_torch.so"
if [ -f "$built" ]; then
  echo "build-jni: reusing $built" | tee -a "$summary"
else
step build-jni 240 "$bundle/gpu/build-jni.sh" --torch "$torch" --out "$bundle/gpu/jni" --build-dir "$out/jni/build" \
  --jobs "$jobs"
fi
for f in "$bundle"/gpu/jni/pytorch/*/; do
  [ -d "$f" ] && cp "$f"/* "$out/jni/" 2>/dev/null
done
cp "$out/jni/build/build-jni.log" "$out/jni/" 2>/dev/null
rm -rf "$out/jni/build"

# 3 quality runs on a data-free task
lt=(--libtorch "$torch/lib")
sizes=synthetic-1M,synthetic-10M,synthetic-100M
velo_sizes=synthetic-1M,synthetic-10M
if [ "$device" = cpu ]; then sizes=synthetic-100k,synthetic-1M; velo_sizes=synthetic-100k; fi
opts=adam,star,small-fc,velo-style
step run-$device 120 "$lob" "${lt[@]}" run --device $device --task quadratic-d100-k100 --optimizer "$opts" --steps 200 \
  --seeds 1 --out "$out/run-$device"

# 4 JMH overhead tables
step overhead-$device 240 "$lob" "${lt[@]}" overhead --device $device --quick --threads 1 --optimizers adam,star,small-fc \
  --tasks "$sizes",quadratic-d1000-k1000 --out "$out/overhead-$device"
step overhead-velo 90 "$lob" "${lt[@]}" overhead --device $device --quick --threads 1 --optimizers velo-style:steps=2000 \
  --tasks "$velo_sizes" --out "$out/overhead-velo"

# 5 the same run on the CPU with the same libtorch (losses to compare)
[ "$device" = gpu ] && step run-cpu 90 "$lob" "${lt[@]}" run --device cpu --task quadratic-d100-k100 --optimizer "$opts" --steps 200 \
  --seeds 1 --out "$out/run-cpu"

echo "total: $(( $(date +%s) - start ))s of ${budget}s" | tee -a "$summary"
cat "$summary" >&2
