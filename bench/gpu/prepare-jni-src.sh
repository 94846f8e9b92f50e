#!/usr/bin/env bash
# Prepares the source of DJL's PyTorch JNI (libdjl_torch.so) for bench/gpu/build-jni.sh on a machine that has
# a JDK and DJL's repository (the GPU machine may have neither, nor network). Writes an ignored folder
# (default bench/gpu/djl-jni, listed in .gitignore: DJL's sources are not committed) holding:
#   engines/pytorch/pytorch-native/{CMakeLists.txt,src/main/native/*}   DJL's JNI sources at tag v<djl.version>
#   api/src/main/native/djl/utils.h                                    the header they include
#   engines/pytorch/pytorch-native/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h   made here with javac -h
#   jni-include/{jni.h,linux/jni_md.h}                                 this JDK's JNI headers (cmake needs no JDK)
#   SOURCE                                                             tag, commit and where it came from
#
# usage: bench/gpu/prepare-jni-src.sh --djl-git GIT_DIR [--tag v0.36.0] [--out DIR]
#        (GIT_DIR: a clone or bare mirror of github.com/deepjavalibrary/djl that has the tag)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
djl_version="$(sed -n 's:.*<djl.version>\(.*\)</djl.version>.*:\1:p' "$repo/pom.xml" | head -1)"
tag="v$djl_version"
git_dir=""
out="$here/djl-jni"
die() { echo "prepare-jni-src: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --djl-git) git_dir="${2:?}"; shift 2 ;;
    --tag) tag="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$git_dir" ] || die "give --djl-git DIR (a clone of deepjavalibrary/djl with tag $tag)"
git --git-dir="$git_dir" rev-parse -q --verify "$tag^{commit}" >/dev/null 2>&1 \
  || { [ -d "$git_dir/.git" ] && git_dir="$git_dir/.git" && git --git-dir="$git_dir" rev-parse -q --verify "$tag^{commit}" >/dev/null; } \
  || die "$git_dir has no tag $tag"
command -v javac >/dev/null || die "javac not found (a JDK 17 is needed to generate the JNI header)"
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
[ -f "$java_home/include/jni.h" ] || die "no jni.h under $java_home/include"

rm -rf "$out"
mkdir -p "$out"
git --git-dir="$git_dir" archive "$tag" engines/pytorch/pytorch-native/CMakeLists.txt \
  engines/pytorch/pytorch-native/src/main/native api/src/main/native \
  engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java | tar -x -C "$out"
native="$out/engines/pytorch/pytorch-native"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
javac -h "$native/build/include" -d "$tmp" \
  "$out/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
mkdir -p "$out/jni-include/linux"
cp "$java_home/include/jni.h" "$out/jni-include/"
cp "$java_home/include/linux/jni_md.h" "$out/jni-include/linux/"
{
  echo "djl_tag=$tag"
  echo "djl_version=$djl_version"
  echo "djl_commit=$(git --git-dir="$git_dir" rev-parse "$tag^{commit}")"
  echo "jni_header_javac=$("$java_home/bin/javac" -version 2>&1)"
} > "$out/SOURCE"
echo "prepare-jni-src: wrote $out ($(du -sh "$out" | cut -f1))"
