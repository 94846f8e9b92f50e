#!/usr/bin/env bash
# Builds DJL's PyTorch JNI (libdjl_torch.so) against an installed libtorch: a PyTorch install (pip wheel: the torch
# package folder, with include/, lib/ and share/cmake/Torch) or an unpacked libtorch zip. Needs cmake, a C++17
# compiler and, for a CUDA libtorch, the CUDA toolkit (nvcc) that torch's cmake files look for. Needs no JDK and no
# network: the JNI sources, the generated JNI header and jni.h come from bench/gpu/prepare-jni-src.sh's folder.
#
# usage: bench/gpu/build-jni.sh [--torch DIR] [--src DIR] [--out DIR] [--build-dir DIR] [--jobs N]
#   --torch DIR   the torch package folder or libtorch folder (default: python3 -c 'import torch' -> its folder)
#   --src DIR     prepared JNI source (default bench/gpu/djl-jni)
#   --out DIR     JNI root (default bench/gpu/jni); the library goes to
#                 DIR/pytorch/<torch version>-<cpu|cuXYZ>-linux-x86_64/<djl version>-libdjl_torch.so, the layout
#                 DJL looks in when ENGINE_CACHE_DIR=DIR (./lobench --libtorch sets that when it finds it there)
# Prints the library's path last. Exit 2 on bad input, 1 when cmake or the compiler fails (its log is printed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/libtorch-env.sh"
src="$here/djl-jni"
out="$here/jni"
torch=""
build=""
jobs="$(nproc 2>/dev/null || echo 2)"
die() { echo "build-jni: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --torch) torch="${2:?}"; shift 2 ;;
    --src) src="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    --build-dir) build="${2:?}"; shift 2 ;;
    --jobs) jobs="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
native="$src/engines/pytorch/pytorch-native"
[ -f "$native/CMakeLists.txt" ] && [ -f "$native/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ] \
  || die "no prepared JNI source in $src: run bench/gpu/prepare-jni-src.sh --djl-git DIR on a machine with a JDK"
[ -f "$src/jni-include/jni.h" ] || die "no jni-include/jni.h in $src (rerun prepare-jni-src.sh)"
djl_version="$(sed -n 's/^djl_version=//p' "$src/SOURCE")"
[ -n "$djl_version" ] || die "$src/SOURCE names no djl_version"
if [ -z "$torch" ]; then
  torch="$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null)" \
    || die "no --torch DIR and python3 cannot import torch"
fi
torch="$(cd "$torch" && pwd)"
[ -d "$torch/share/cmake/Torch" ] || die "$torch has no share/cmake/Torch (give the torch package or libtorch folder)"
[ -f "$torch/lib/libtorch.so" ] || die "$torch/lib has no libtorch.so"
lobench_libtorch_identify "$torch/lib" || exit 2
version="$LOBENCH_LT_VERSION"
flavor="$LOBENCH_LT_FLAVOR"
command -v cmake >/dev/null || die "cmake not found"

build="${build:-$(mktemp -d)}"
mkdir -p "$build"
log="$build/build-jni.log"
# DJL 0.36's CMakeLists pins C++17; PyTorch >= 2.14's headers refuse anything below C++20. Make the standard a cmake
# variable in the prepared (ignored) copy, idempotently, and pick 20 when torch's headers ask for it.
sed -i 's/^set_property(TARGET djl_torch PROPERTY CXX_STANDARD 17)$/if(NOT DJL_CXX_STANDARD)\n  set(DJL_CXX_STANDARD 17)\nendif()\nset_property(TARGET djl_torch PROPERTY CXX_STANDARD ${DJL_CXX_STANDARD})/' "$native/CMakeLists.txt"
grep -q 'CXX_STANDARD ${DJL_CXX_STANDARD}' "$native/CMakeLists.txt" || die "$native/CMakeLists.txt: no CXX_STANDARD line to adapt"
cxx_std=17
if grep -qs 'C++20 or later' "$torch/include/torch/csrc/api/include/torch/all.h"; then cxx_std=20; fi
echo "build-jni: libtorch $version ($flavor) at $torch; DJL JNI $djl_version, C++$cxx_std; building in $build" >&2
cuda_args=()
pt_version=()
case "$version" in 1.13.1|2.0.1|2.1.*) pt_version=(-DPT_VERSION=V1_13_X) ;; esac
if [ "$flavor" != cpu ]; then
  # torch's cmake files look for the CUDA toolkit (FindCUDA). Name its root: an nvcc on PATH may be a wrapper script
  # (e.g. /usr/local/bin/nvcc), from which FindCUDA guesses /usr/local and misses include/ and lib64/.
  cuda_root="${CUDA_HOME:-${CUDA_PATH:-}}"
  if [ -z "$cuda_root" ]; then
    for c in /usr/local/cuda /usr/local/cuda-*; do [ -f "$c/include/cuda_runtime.h" ] && cuda_root="$c" && break; done
  fi
  if [ -z "$cuda_root" ] && command -v nvcc >/dev/null; then
    cuda_root="$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")"
  fi
  [ -n "$cuda_root" ] && [ -x "$cuda_root/bin/nvcc" ] && [ -f "$cuda_root/include/cuda_runtime.h" ] \
    || die "libtorch $flavor needs the CUDA toolkit (nvcc, cuda_runtime.h) to configure; none found (set CUDA_HOME)"
  export PATH="$cuda_root/bin:$PATH"
  cuda_args=(-DUSE_CUDA=1 -DCUDA_TOOLKIT_ROOT_DIR="$cuda_root" -DCUDAToolkit_ROOT="$cuda_root"
    -DCMAKE_CUDA_COMPILER="$cuda_root/bin/nvcc")
  # torch's ATen/cuda headers include cuBLAS/cuSPARSE/cuSOLVER headers. A minimal toolkit lacks them; a pip install
  # of torch has them in site-packages/nvidia/*/include (nvidia-cublas, nvidia-cusparse, ...). Search those after
  # the toolkit's own headers.
  extra_inc=""
  for d in "$(dirname "$torch")"/nvidia/*/include; do [ -d "$d" ] && extra_inc="$extra_inc -idirafter $d"; done
  [ -n "$extra_inc" ] && cuda_args+=(-DCMAKE_CXX_FLAGS="$extra_inc")
fi
fail() {
  tail -n 60 "$log" >&2
  echo "build-jni: $1 failed (full log: $log)" >&2
  exit 1
}
(cd "$build" && cmake "$native" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch/share/cmake" \
  -DJAVA_INCLUDE_PATH="$src/jni-include" -DJAVA_INCLUDE_PATH2="$src/jni-include/linux" \
  -DJAVA_JVM_LIBRARY=NotNeeded -DDJL_CXX_STANDARD="$cxx_std" "${pt_version[@]}" "${cuda_args[@]}") >"$log" 2>&1 || fail "cmake configure"
if [ "$flavor" != cpu ] && [ -f "$build/CMakeFiles/djl_torch.dir/link.txt" ]; then
  # as DJL's own build.sh: do not link the toolkit's libcudart/libnvrtc by path (libtorch_cuda brings its own), and
  # drop libraries torch's cmake files did not find (a minimal toolkit has no libnvrtc: -lCUDA_nvrtc_LIBRARY-NOTFOUND)
  sed -i -r "s:/usr/local/cuda(-?[0-9.]*)?/lib64/lib(cudart|nvrtc)\.so::g; s:(^| )(-l)?[^ ]*-NOTFOUND::g" \
    "$build/CMakeFiles/djl_torch.dir/link.txt"
fi
(cd "$build" && cmake --build . --config Release -- -j "$jobs") >>"$log" 2>&1 || fail "compile"
[ -f "$build/libdjl_torch.so" ] || fail "build (no libdjl_torch.so)"
dest="$out/pytorch/$version-$flavor-linux-x86_64"
mkdir -p "$dest"
cp "$build/libdjl_torch.so" "$dest/$djl_version-libdjl_torch.so"
{
  echo "torch_dir=$torch"
  echo "torch_version=$version"
  echo "flavor=$flavor"
  echo "cxx_standard=$cxx_std"
  cat "$src/SOURCE"
  echo "compiler=$(c++ --version | head -1)"
  echo "cmake=$(cmake --version | head -1)"
  if [ "$flavor" != cpu ]; then echo "nvcc=$(nvcc --version | tail -1)"; fi
  echo "built_at=$(date -u +%FT%TZ)"
} > "$dest/BUILD-INFO"
echo "$dest/$djl_version-libdjl_torch.so"
