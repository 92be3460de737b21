#!/usr/bin/env bash
# Builds an engine folder that runs Atelier on the libtorch of an installed PyTorch (a pip wheel; no
# Python runs with the service) instead of the libtorch 2.7.1 that DJL 0.36 ships: DJL 0.36's own JNI
# library, compiled from its unmodified sources in third_party/djl against that PyTorch, beside links to
# the four libraries it loads. It writes engine.env there: the variables that point DJL at the folder.
#
#   native/build-engine.sh PYTHON FOLDER
#   native/build-engine.sh /opt/torch/bin/python /opt/atelier-engine
#   set -a; . /opt/atelier-engine/engine.env; set +a; java -jar target/atelier-*.jar
#
# Needs cmake, make, g++ and a JDK's javac; about 5 minutes on 2 cores. The folder links into the
# PyTorch installation, which must stay where it is.
set -euo pipefail
python=${1:?usage: native/build-engine.sh PYTHON FOLDER}
out=${2:?usage: native/build-engine.sh PYTHON FOLDER}
repo=$(cd "$(dirname "$0")/.." && pwd)
# The DJL version the jar runs, which names the JNI library; third_party/djl holds that version's sources.
djl=$(sed -n 's:.*<djl.version>\(.*\)</djl.version>.*:\1:p' "$repo/pom.xml")

torch=$("$python" -c 'import os, torch; print(os.path.dirname(torch.__file__))')
version=$("$python" -c 'import torch; print(torch.__version__.split("+")[0])')
# DJL's JNI sources expect the C++11 ABI that g++ uses by default; older wheels were built without it.
if [ "$("$python" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')" != 1 ]; then
  echo "PyTorch $version in $torch uses the pre-C++11 ABI; build-engine.sh needs a wheel with the C++11 ABI" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/third_party/djl" "$work/djl"
native=$work/djl/engines/pytorch/pytorch-native
# The JNI header comes from the Java side's natives, as DJL's build makes it; CMakeLists.txt reads it
# from build/include, so the build folder must be build/ below the sources. Make's generator, not
# Ninja's: Ninja's drops the $ORIGIN run path that lets the library find libtorch beside it.
javac -h "$native/build/include" -d "$work/classes" \
  "$work/djl/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
cmake -S "$native" -B "$native/build" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$torch/share/cmake" >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; exit 1; }
cmake --build "$native/build" -- -j "$(nproc)" >"$work/build.log" 2>&1 || { tail -50 "$work/build.log" >&2; exit 1; }

# DJL loads every library in the folder whose name lacks "torch_", so the folder holds only what
# libtorch needs, not the wheel's whole lib/ with its test libraries.
mkdir -p "$out"
for library in libc10.so libgomp.so.1 libtorch_cpu.so libtorch.so; do
  ln -sfn "$torch/lib/$library" "$out/$library"
done
# The name DJL looks for first in PYTORCH_LIBRARY_PATH: the JNI built for this DJL version.
cp "$native/build/libdjl_torch.so" "$out/$djl-libdjl_torch.so"
cat >"$out/engine.env" <<ENV
PYTORCH_LIBRARY_PATH=$(cd "$out" && pwd)
PYTORCH_VERSION=$version
PYTORCH_FLAVOR=cpu
ENV
echo "Engine folder $out: DJL $djl on PyTorch $version from $torch. Run with:"
cat "$out/engine.env"
