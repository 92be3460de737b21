#!/usr/bin/env bash
# Container image, issue 16's baseline against the working tree's, side by side: size (docker image
# inspect) and start to readiness, the time from `docker run` until /actuator/health/readiness
# answers 200 (polled every 0.1 s from the host), over STARTS starts of each, alternating between the
# two. Both images are built from the same jar on the same base image: the baseline from the
# Dockerfile at git revision BASELINE_REV (by default 40a3acf^, the one before issue 16's layout),
# the other from ./Dockerfile. Each start runs as the README says: read-only root filesystem, a tmpfs
# /tmp, a fresh volume on /data.
#
#   bench/image.sh [STARTS]               BUILD=false bench/image.sh 5
#
# `bench/image.sh 0` builds both images and prints their sizes only, without starting either.
#
# Needs Docker, curl and the base image (.ci/run builds debian:bookworm-slim when it cannot be pulled).
set -euo pipefail
cd "$(dirname "$0")/.."
starts=${1:-5}
baseline_rev=${BASELINE_REV:-40a3acf^}
old=atelier-bench:baseline
new=atelier-bench:new

jar=$(ls target/atelier-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
if [ -z "$jar" ]; then ./mvnw -q -B -DskipTests package; fi
if [ "${BUILD:-true}" = true ]; then
  baseline_dockerfile=$(mktemp)
  trap 'rm -f "$baseline_dockerfile"' EXIT
  git show "$baseline_rev:Dockerfile" >"$baseline_dockerfile"
  # The legacy builder, as Testcontainers and docker-compose use.
  DOCKER_BUILDKIT=0 docker build -q -f "$baseline_dockerfile" -t "$old" . >/dev/null
  DOCKER_BUILDKIT=0 docker build -q -t "$new" . >/dev/null
fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Prints the milliseconds from `docker run` to the first 200 from the readiness probe.
start_to_ready() {
  local image=$1 id port begin
  begin=$(now_ms)
  id=$(docker run -d -p 127.0.0.1::8080 --read-only --tmpfs /tmp:size=256m -v /data \
         -e ATELIER_SECURITY_TRAINER_KEYS="bench-image-trainer-key-0123456789abcdef" "$image")
  port=$(docker port "$id" 8080/tcp | head -n 1 | cut -d: -f2)
  for _ in $(seq 1 1800); do
    if curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/actuator/health/readiness"; then
      echo $(( $(now_ms) - begin ))
      docker rm -f -v "$id" >/dev/null
      return
    fi
    sleep 0.1
  done
  echo "$image did not become ready in 3 minutes:" >&2
  docker logs --tail 20 "$id" >&2
  docker rm -f -v "$id" >/dev/null
  return 1
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(docker version -f 'Docker {{.Server.Version}}')"
echo "base image: $(docker image inspect -f '{{.Id}} {{.Size}} bytes' debian:bookworm-slim 2>/dev/null || echo '?')"
old_size=$(docker image inspect -f '{{.Size}}' "$old")
new_size=$(docker image inspect -f '{{.Size}}' "$new")
awk -v o="$old_size" -v n="$new_size" -v rev="$baseline_rev" 'BEGIN {
  printf "size: Dockerfile at %s %.0f MiB (%d bytes), working tree %.0f MiB (%d bytes), ratio %.3f\n", rev, o / 1048576, o, n / 1048576, n, n / o }'

if [ "$starts" -eq 0 ]; then exit 0; fi

old_times=()
new_times=()
for i in $(seq 1 "$starts"); do
  old_times+=("$(start_to_ready "$old")")
  new_times+=("$(start_to_ready "$new")")
  echo "start $i: baseline ${old_times[-1]} ms, new ${new_times[-1]} ms"
done
old_median=$(printf '%s\n' "${old_times[@]}" | median)
new_median=$(printf '%s\n' "${new_times[@]}" | median)
awk -v o="$old_median" -v n="$new_median" 'BEGIN {
  printf "start to ready, median of the starts above: baseline %.0f ms, new %.0f ms, ratio %.3f\n", o, n, n / o }'
