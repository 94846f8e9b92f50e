#!/usr/bin/env bash
# Checks the layout of a bundle made by bench/gpu/bundle.sh (run by bundle.sh itself and by CI):
# launcher, BUNDLE facts, a runnable jlink'd Java 17 with the modules lobench needs (and jdk.incubator.vector),
# a jar with lobench's classes and the linux-x86_64 DJL JNI but no libtorch, the gpu scripts, and a size bound.
# usage: bench/gpu/check-bundle.sh BUNDLE_DIR [MAX_MB (default 250: the folder is uncompressed; its .tar.xz is about 38 MB)]
set -euo pipefail
b="${1:?usage: check-bundle.sh BUNDLE_DIR [MAX_MB]}"
max_mb="${2:-250}"
fails=0
fail() { echo "check-bundle: FAIL: $*" >&2; fails=$((fails + 1)); }
for f in lobench BUNDLE runtime/bin/java runtime/include/jni.h lib/lobench.jar gpu/libtorch-env.sh gpu/build-jni.sh \
  gpu/gpu-check.sh; do
  [ -e "$b/$f" ] || fail "missing $f"
done
[ -x "$b/lobench" ] || fail "launcher not executable"
for k in git_commit djl_version jni_jar_libtorch_version modules java; do
  grep -q "^$k=." "$b/BUNDLE" 2>/dev/null || fail "BUNDLE has no $k"
done
if [ -x "$b/runtime/bin/java" ]; then
  mods="$("$b/runtime/bin/java" --list-modules | sed 's/@.*//')"
  for m in java.base java.management java.sql jdk.unsupported jdk.incubator.vector; do
    grep -qx "$m" <<<"$mods" || fail "runtime lacks module $m"
  done
  "$b/runtime/bin/java" -version 2>&1 | grep -q '"17\.' || fail "runtime is not Java 17"
fi
if [ -f "$b/lib/lobench.jar" ]; then
  listing="$(unzip -Z1 "$b/lib/lobench.jar")"
  grep -q '^dev/lobench/cli/Main.class$' <<<"$listing" || fail "jar lacks dev/lobench/cli/Main.class"
  grep -q '^jnilib/linux-x86_64/cpu/libdjl_torch.so$' <<<"$listing" || fail "jar lacks DJL's linux-x86_64 JNI"
  grep -q '^org/openjdk/jmh/runner/Runner.class$' <<<"$listing" || fail "jar lacks JMH"
  if grep -qE '^pytorch/|libtorch_cpu\.so|^native/lib/pytorch\.properties$' <<<"$listing"; then
    fail "jar still holds the CPU libtorch (pytorch-native-cpu)"
  fi
  if grep -qE '^jnilib/(osx|win|linux-aarch64)' <<<"$listing"; then fail "jar holds other platforms' JNI"; fi
fi
size_mb="$(du -sm "$b" | cut -f1)"
[ "$size_mb" -le "$max_mb" ] || fail "bundle is $size_mb MB > $max_mb MB"
if [ "$fails" -gt 0 ]; then
  echo "check-bundle: $fails problem(s) in $b" >&2
  exit 1
fi
echo "check-bundle: ok ($b, $size_mb MB)"
