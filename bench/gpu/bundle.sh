#!/usr/bin/env bash
# Makes a self-contained lobench bundle for a machine with no JDK and no network that has its own libtorch (for
# example a CUDA PyTorch install): a jlink'd Java runtime with only the modules lobench needs (jdeps on the jar,
# plus jdk.incubator.vector), lobench's jar WITHOUT the CPU libtorch (pytorch-native-cpu, ~110 MB compressed) and
# without other platforms' native libraries, the launcher, and bench/gpu's scripts with the prepared DJL JNI
# source (bench/gpu/djl-jni, when present) so that build-jni.sh can run there.
#
# usage: bench/gpu/bundle.sh [--out DIR] [--jar JAR] [--modules M1,M2,...] [--no-archive]
#   --out DIR       where to write (default bench/gpu/bundle); makes DIR/lobench-bundle/ and, unless --no-archive,
#                   DIR/lobench-bundle.tar.xz (jar stored uncompressed and runtime uncompressed so that xz compresses
#                   across files: the archive is the thing to copy)
#   --jar JAR       the shaded jar (default cli/target/lobench.jar, built with mvn -o -DskipTests package if absent)
#   --modules LIST  Java modules (default: jdeps --print-module-deps of the jar, plus jdk.incubator.vector)
# Layout: lobench (launcher), BUNDLE (versions, commit, modules), runtime/ (jlink image, with include/jni.h),
# lib/lobench.jar, gpu/{libtorch-env.sh,build-jni.sh,gpu-check.sh,check-bundle.sh,djl-jni/}, jni/ is made there by
# build-jni.sh. Run it with: lobench-bundle/lobench --libtorch DIR ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$here/bundle"
jar="$repo/cli/target/lobench.jar"
modules=""
archive=1
die() { echo "bundle: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?}"; shift 2 ;;
    --jar) jar="${2:?}"; shift 2 ;;
    --modules) modules="${2:?}"; shift 2 ;;
    --no-archive) archive=0; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
for t in jlink jdeps zip unzip java; do command -v "$t" >/dev/null || die "$t not found (needs a JDK 17, zip, unzip)"; done
if [ ! -f "$jar" ]; then
  echo "bundle: building $jar (mvn -B -q -o -DskipTests package)" >&2
  (cd "$repo" && mvn -B -q -o -DskipTests package) >&2
fi
[ -f "$jar" ] || die "no jar at $jar"
pom_prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$repo/pom.xml" | head -1; }
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[ "$java_major" = 17 ] || echo "bundle: warning: JDK $java_major, lobench targets 17" >&2
if [ -z "$modules" ]; then
  modules="$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 "$jar" | tail -1)"
  modules="$modules,jdk.incubator.vector"
fi

dest="$out/lobench-bundle"
rm -rf "$dest" "$out/lobench-bundle.tar.xz"
mkdir -p "$dest/lib" "$dest/gpu"
jlink --add-modules "$modules" --strip-debug --no-man-pages --compress=0 --output "$dest/runtime"

# the jar without pytorch-native-cpu's libtorch and other platforms' native code, stored (xz compresses better)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && unzip -q "$jar")
rm -rf "$tmp/pytorch" "$tmp/native/lib/pytorch.properties"
find "$tmp/jnilib" -mindepth 1 -maxdepth 1 ! -name linux-x86_64 ! -name pytorch.properties -exec rm -rf {} +
# JNA's per-platform folders (a '-' in the name: never a Java package) except this one
find "$tmp/com/sun/jna" -mindepth 1 -maxdepth 1 -type d -name '*-*' ! -name linux-x86-64 -exec rm -rf {} +
(cd "$tmp" && zip -q -r -0 -X "$dest/lib/lobench.jar" META-INF/MANIFEST.MF . )

cp "$repo/lobench" "$dest/lobench"
cp "$here/libtorch-env.sh" "$here/build-jni.sh" "$here/gpu-check.sh" "$here/check-bundle.sh" "$dest/gpu/"
if [ -d "$here/djl-jni" ]; then
  cp -r "$here/djl-jni" "$dest/gpu/djl-jni"
else
  echo "bundle: warning: no bench/gpu/djl-jni (run prepare-jni-src.sh first): the bundle cannot build the JNI" >&2
fi
{
  echo "lobench_version=$(pom_prop version | head -1)"
  echo "git_commit=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "git_dirty=$(if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then echo yes; else echo no; fi)"
  echo "djl_version=$(pom_prop djl.version)"
  echo "jni_jar_libtorch_version=$(pom_prop libtorch.version)"
  echo "java=$("$dest/runtime/bin/java" -version 2>&1 | head -1)"
  echo "modules=$modules"
  echo "built_at=$(date -u +%FT%TZ)"
} > "$dest/BUNDLE"
"$here/check-bundle.sh" "$dest"
echo "bundle: $dest ($(du -sh "$dest" | cut -f1))"
if [ "$archive" = 1 ]; then
  tar -C "$out" -cf - lobench-bundle | xz -T0 -6 > "$out/lobench-bundle.tar.xz"
  echo "bundle: $out/lobench-bundle.tar.xz ($(du -sh "$out/lobench-bundle.tar.xz" | cut -f1))"
fi
