# Sourced by ./lobench, the bundle's launcher and bench/gpu/build-jni.sh: points DJL at an installed libtorch.
#
# DJL 0.36 (ai.djl.pytorch.jni.LibUtils) loads libtorch from PYTORCH_LIBRARY_PATH when that folder holds
# libtorch.so, and then never touches the libtorch bundled on the classpath. It names that libtorch
# PYTORCH_VERSION / PYTORCH_FLAVOR (else the bundled version and a flavour guessed from libcudart), and looks for
# its JNI library (libdjl_torch.so) in this order: <libdir>/<djl>-libdjl_torch.so, <libdir>/libdjl_torch.so,
# $ENGINE_CACHE_DIR/pytorch/<version>-<flavor>-<os-arch>/<djl>-libdjl_torch.so, then the pytorch-jni jar if its
# version is <version>-<djl>, else a download (which fails offline).

# Sets LOBENCH_LT_VERSION (x.y.z) and LOBENCH_LT_FLAVOR (cpu | cuXYZ) for the libtorch in lib folder $1, from the
# PyTorch install's version.py, a libtorch zip's build-version, or a DJL cache folder's name;
# LOBENCH_LIBTORCH_VERSION / LOBENCH_LIBTORCH_FLAVOR override. Returns 2 with a one-line message when unknown.
lobench_libtorch_identify() {
  local dir="$1" v="" cuda="" raw="" base
  base="$(basename "$dir")"
  if [ -f "$dir/../version.py" ]; then
    raw="$(sed -n "s/^__version__ *= *'\([^']*\)'.*/\1/p" "$dir/../version.py")"
    cuda="$(sed -n "s/^cuda[^=]*= *'\([0-9.]*\)'.*/\1/p" "$dir/../version.py")"
  elif [ -f "$dir/../build-version" ]; then
    raw="$(head -1 "$dir/../build-version")"
  elif [[ "$base" =~ ^([0-9]+\.[0-9]+\.[0-9]+)(-[0-9]+)?-(cpu|cu[0-9]+)(-precxx11)?-linux- ]]; then
    raw="${BASH_REMATCH[1]}+${BASH_REMATCH[3]}"
  fi
  v="${raw%%+*}"
  local fl=""
  case "$raw" in *+cu[0-9]*) fl="${raw##*+}" ;; *+cpu) fl=cpu ;; esac
  if [ -z "$fl" ] && [ -n "$cuda" ]; then fl="cu$(echo "$cuda" | tr -d .)"; fi
  if [ -z "$fl" ] && [ -n "$v" ]; then
    if [ -f "$dir/libtorch_cuda.so" ]; then fl=""; else fl=cpu; fi
  fi
  v="${LOBENCH_LIBTORCH_VERSION:-$v}"
  fl="${LOBENCH_LIBTORCH_FLAVOR:-$fl}"
  if ! [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || ! [[ "$fl" =~ ^(cpu|cu[0-9]+)$ ]]; then
    echo "lobench: cannot tell the version/flavour of the libtorch in $dir (no ../version.py, ../build-version or DJL folder name); set LOBENCH_LIBTORCH_VERSION=x.y.z and LOBENCH_LIBTORCH_FLAVOR=cpu|cuXYZ" >&2
    return 2
  fi
  if [ "$fl" = cpu ] && [ -f "$dir/libtorch_cuda.so" ]; then
    echo "lobench: $dir holds libtorch_cuda.so but its version says cpu; set LOBENCH_LIBTORCH_FLAVOR=cuXYZ" >&2
    return 2
  fi
  LOBENCH_LT_VERSION="$v"
  LOBENCH_LT_FLAVOR="$fl"
}

# lobench_libtorch_setup LIBTORCH DJL_VERSION BUNDLED_LIBTORCH_VERSION JNI_ROOT...
# LIBTORCH: a folder holding lib/libtorch.so (a torch package or libtorch folder) or libtorch.so itself.
# Exports PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR, PYTORCH_LIBRARY_EXCLUSION (PyTorch's test
# libraries) and, when the JNI library is found under a JNI_ROOT (bench/gpu/build-jni.sh's layout),
# ENGINE_CACHE_DIR. Returns 2 with a one-line message and the fix when there is no libtorch or no JNI for it.
lobench_libtorch_setup() {
  local arg="$1" djl="$2" bundled="$3" dir jni="" root
  shift 3
  if [ -f "$arg/lib/libtorch.so" ]; then
    dir="$(cd "$arg/lib" && pwd)"
  elif [ -f "$arg/libtorch.so" ]; then
    dir="$(cd "$arg" && pwd)"
  else
    echo "lobench: --libtorch $arg: no libtorch.so in it or in its lib/ (give e.g. the lib folder of a PyTorch install: python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')" >&2
    return 2
  fi
  lobench_libtorch_identify "$dir" || return 2
  local v="$LOBENCH_LT_VERSION" fl="$LOBENCH_LT_FLAVOR"
  if [ -f "$dir/$djl-libdjl_torch.so" ] || [ -f "$dir/libdjl_torch.so" ]; then
    jni="$dir"
  else
    for root in "$@"; do
      if [ -n "$root" ] && [ -f "$root/pytorch/$v-$fl-linux-x86_64/$djl-libdjl_torch.so" ]; then
        jni="$root/pytorch/$v-$fl-linux-x86_64"
        export ENGINE_CACHE_DIR="$(cd "$root" && pwd)"
        break
      fi
    done
  fi
  if [ -z "$jni" ] && { [ "$v" != "$bundled" ] || [ "$fl" != cpu ]; }; then
    echo "lobench: no DJL $djl JNI (libdjl_torch.so) for libtorch $v ($fl) in $dir; build it: bench/gpu/build-jni.sh --torch $(dirname "$dir") (see README 'GPU')" >&2
    return 2
  fi
  export PYTORCH_LIBRARY_PATH="$dir"
  export PYTORCH_VERSION="$v"
  export PYTORCH_FLAVOR="$fl"
  export PYTORCH_LIBRARY_EXCLUSION="${PYTORCH_LIBRARY_EXCLUSION:-libtorchbind_test.so,libjitbackend_test.so,libbackend_with_compiler.so,libaoti_custom_ops.so}"
  export LOBENCH_LIBTORCH_JNI="${jni:-pytorch-jni jar}"
}
