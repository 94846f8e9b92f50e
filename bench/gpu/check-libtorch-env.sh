#!/usr/bin/env bash
# Tests of ./lobench --libtorch's resolution (bench/gpu/libtorch-env.sh) on fake libtorch folders (no JVM started
# except for the last case): versions and flavours from a pip install's version.py, a libtorch zip's build-version
# and a DJL cache folder name; the JNI found next to libtorch, under a build-jni.sh root, or from the jar; the
# one-line errors. Prints 'N passed, N failed'; exit 1 on a failure. Run by .ci/run.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$here/libtorch-env.sh"
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
pass=0
failed=0
check() { # NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); else failed=$((failed + 1)); echo "FAIL $1: expected '$2', got '$3'" >&2; fi
}
# a pip CUDA install: torch/version.py + torch/lib/libtorch.so, JNI built under a root
mkdir -p "$t/cu/torch/lib" "$t/jni/pytorch/2.11.0-cu130-linux-x86_64"
touch "$t/cu/torch/lib/libtorch.so" "$t/cu/torch/lib/libtorch_cuda.so" "$t/jni/pytorch/2.11.0-cu130-linux-x86_64/0.36.0-libdjl_torch.so"
printf "__version__ = '2.11.0+cu130'\ncuda: Optional[str] = '13.0'\n" > "$t/cu/torch/version.py"
( lobench_libtorch_setup "$t/cu/torch" 0.36.0 2.7.1 "" "$t/jni" >/dev/null 2>&1
  echo "$PYTORCH_LIBRARY_PATH|$PYTORCH_VERSION|$PYTORCH_FLAVOR|$ENGINE_CACHE_DIR" ) > "$t/out" 2>&1
check "pip cu130 + built JNI" "$t/cu/torch/lib|2.11.0|cu130|$t/jni" "$(cat "$t/out")"
# the same without a built JNI: exit 2, one line naming build-jni.sh
msg="$(lobench_libtorch_setup "$t/cu/torch/lib" 0.36.0 2.7.1 "" "$t/nojni" 2>&1)"; rc=$?
check "no JNI: exit code" 2 "$rc"
check "no JNI: one line naming build-jni.sh" "1 yes" "$(printf '%s\n' "$msg" | wc -l | tr -d ' ') $(grep -q 'build-jni.sh --torch' <<<"$msg" && echo yes)"
# a CPU wheel whose version.py has no +cpu and cuda None; JNI next to libtorch
mkdir -p "$t/cpu/torch/lib"
touch "$t/cpu/torch/lib/libtorch.so" "$t/cpu/torch/lib/libdjl_torch.so"
printf "__version__ = '2.13.0'\ncuda: Optional[str] = None\n" > "$t/cpu/torch/version.py"
( unset ENGINE_CACHE_DIR; lobench_libtorch_setup "$t/cpu/torch/lib" 0.36.0 2.7.1 >/dev/null 2>&1
  echo "$PYTORCH_VERSION|$PYTORCH_FLAVOR|${ENGINE_CACHE_DIR:-unset}|$LOBENCH_LIBTORCH_JNI" ) > "$t/out" 2>&1
check "cpu wheel, JNI beside libtorch" "2.13.0|cpu|unset|$t/cpu/torch/lib" "$(cat "$t/out")"
# libtorch zip layout: build-version
mkdir -p "$t/zip/libtorch/lib"
touch "$t/zip/libtorch/lib/libtorch.so"
echo "2.5.1+cu124" > "$t/zip/libtorch/build-version"
( lobench_libtorch_identify "$t/zip/libtorch/lib"; echo "$LOBENCH_LT_VERSION|$LOBENCH_LT_FLAVOR" ) > "$t/out" 2>&1
check "libtorch zip build-version" "2.5.1|cu124" "$(cat "$t/out")"
# DJL's own cache folder of the bundled version: the pytorch-jni jar supplies the JNI
mkdir -p "$t/djl/2.7.1-20250812-cpu-linux-x86_64"
touch "$t/djl/2.7.1-20250812-cpu-linux-x86_64/libtorch.so"
( lobench_libtorch_setup "$t/djl/2.7.1-20250812-cpu-linux-x86_64" 0.36.0 2.7.1 >/dev/null 2>&1
  echo "$?|$PYTORCH_VERSION|$PYTORCH_FLAVOR|$LOBENCH_LIBTORCH_JNI" ) > "$t/out" 2>&1
check "DJL cache folder, bundled version" "0|2.7.1|cpu|pytorch-jni jar" "$(cat "$t/out")"
# unknown version: exit 2 naming the override variables
mkdir -p "$t/unknown/lib"
touch "$t/unknown/lib/libtorch.so"
msg="$(lobench_libtorch_setup "$t/unknown" 0.36.0 2.7.1 2>&1)"; rc=$?
check "unknown version" "2 yes" "$rc $(grep -q LOBENCH_LIBTORCH_VERSION <<<"$msg" && echo yes)"
# CUDA libraries but a cpu version string
mkdir -p "$t/mixed/torch/lib"
touch "$t/mixed/torch/lib/libtorch.so" "$t/mixed/torch/lib/libtorch_cuda.so"
printf "__version__ = '2.11.0+cpu'\n" > "$t/mixed/torch/version.py"
lobench_libtorch_setup "$t/mixed/torch" 0.36.0 2.7.1 >/dev/null 2>&1; check "cuda libs, cpu version" 2 "$?"
# the launcher: no libtorch there -> exit 2 and one line, before any JVM starts
msg="$("$repo/lobench" --libtorch "$t/nothing" list optimizers 2>&1)"; rc=$?
check "launcher --libtorch without libtorch.so" "2 1" "$rc $(printf '%s\n' "$msg" | wc -l | tr -d ' ')"
echo "check-libtorch-env: $pass passed, $failed failed"
[ "$failed" = 0 ]
