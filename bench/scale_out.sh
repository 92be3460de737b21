#!/usr/bin/env bash
# Scale-out through the built jar: one PostgreSQL cluster (Debian's postgresql-15 binaries, in a
# temporary directory), one API process and worker processes on a shared data directory.
#
#   failover   a job is killed (SIGKILL) mid-epoch on its worker; measures the time from the kill to
#              another worker's claim (attempt + 1), to its recorded resumption, and to the first
#              progress of the new attempt past its resume point; for the default lease and a short one
#   makespan   4 jobs queued at once, 1 worker vs 2 workers of 1 intra-op thread each, alternated
#              in one run: from the first job's creation to the last one's end
#
#   bench/scale_out.sh                   # both, RUNS=3 of each
#   RUNS=5 bench/scale_out.sh failover
#   SHORT_LEASE=6 SHORT_HEARTBEAT=1 MAKESPAN_JOB='{"epochs": 1, "trainLimit": 12000}' bench/scale_out.sh makespan
#
# Needs the real Fashion-MNIST (apt-get install dataset-fashion-mnist), postgresql-15, curl, python3.
# libtorch's AVX kernels compute garbage on this VM, so every JVM runs with its baseline CPU kernels.
. "$(dirname "$0")/lib.sh"
parts=("$@"); [ ${#parts[@]} -gt 0 ] || parts=(makespan failover)
runs=${RUNS:-3}
short_lease=${SHORT_LEASE:-6}
short_heartbeat=${SHORT_HEARTBEAT:-1}
failover_job=${FAILOVER_JOB:-'{"epochs": 5, "trainLimit": 12000}'}
makespan_job=${MAKESPAN_JOB:-'{"epochs": 1, "trainLimit": 6000}'}
pg_bin=${ATELIER_PG_BIN:-/usr/lib/postgresql/15/bin}

export GLIBC_TUNABLES="$tunables"

work=$(mktemp -d)
chmod 755 "$work"
mkdir -p "$work/logs"
key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
pg_password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
declare -A pids=() ports=()

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cleanup() {
  local name
  for name in "${!pids[@]}"; do kill -9 "${pids[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -d "$work/pg/data" ] && as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

start_postgres() {
  mkdir -p "$work/pg"
  printf '%s' "$pg_password" >"$work/pg/password"
  [ "$(id -u)" = 0 ] && chown -R postgres "$work/pg"
  chmod 700 "$work/pg"
  pg_port=$(free_port)
  as_postgres "$pg_bin/initdb" -D "$work/pg/data" -U atelier --pwfile="$work/pg/password" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -t 60 \
    -o "-p $pg_port -h 127.0.0.1 -k $work/pg -c fsync=off" start >/dev/null
}

# A fresh database and data directory for the next cluster of processes.
round=0
new_round() {
  round=$((round + 1))
  PGPASSWORD=$pg_password "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U atelier "atelier_$round"
  data="$work/data-$round"
  mkdir -p "$data"
}

# start_node NAME api|worker [ARG...]: JAVA_THREADS=1 limits libtorch to one intra-op and one inter-op thread.
start_node() {
  local name=$1 role=$2 port threads=()
  shift 2
  port=${ports[$name]:-$(free_port)}
  if [ -n "${JAVA_THREADS:-}" ]; then
    threads=(-Dai.djl.pytorch.num_threads="$JAVA_THREADS" -Dai.djl.pytorch.num_interop_threads="$JAVA_THREADS")
  fi
  ATELIER_SECURITY_TRAINER_KEYS="$key" SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$pg_port/atelier_$round" \
  SPRING_DATASOURCE_USERNAME=atelier SPRING_DATASOURCE_PASSWORD="$pg_password" \
  OMP_NUM_THREADS=${JAVA_THREADS:-$(nproc)} \
    java -Dai.djl.offline=true "${threads[@]}" -jar "$jar" --server.port="$port" --atelier.role="$role" \
      --atelier.worker.id="$name" --atelier.data-dir="$data" --atelier.inference.warmup.requests=0 "$@" \
      >>"$work/logs/$name.log" 2>&1 &
  pids[$name]=$!
  ports[$name]=$port
}

wait_ready() {
  local name
  for name in "$@"; do
    for _ in $(seq 1 240); do
      curl -sf "localhost:${ports[$name]}/actuator/health/readiness" >/dev/null && continue 2
      kill -0 "${pids[$name]}" 2>/dev/null || break
      sleep 0.5
    done
    echo "$name did not become ready:" >&2
    tail -n 30 "$work/logs/$name.log" >&2
    return 1
  done
}

stop_nodes() {
  local name
  for name in "${!pids[@]}"; do kill -9 "${pids[$name]}" 2>/dev/null || true; wait "${pids[$name]}" 2>/dev/null || true; done
  pids=()
  ports=()
}

# Waits until the job runs mid-epoch 2 (after a checkpoint, as a long job mostly is), kills its worker,
# and follows the job every 100 ms until the new attempt's progress passes its resume point.
# Prints one JSON line: the killed worker and the seconds from the kill to each step.
kill_and_follow() {
  python3 - "localhost:$port" "$key" "$1" "$(for n in "${!pids[@]}"; do printf '%s=%s,' "$n" "${pids[$n]}"; done)" <<'PY'
import datetime, json, os, signal, sys, time, urllib.request
base, key, job_id, pid_list = sys.argv[1:]
pids = dict(p.split("=") for p in pid_list.strip(",").split(","))
def job():
    request = urllib.request.Request(f"http://{base}/jobs/{job_id}", headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)
def position(j):
    p = j.get("progress") or {}
    return (p.get("epoch", 0), p.get("batch", 0))
while True:
    j = job()
    p = j.get("progress") or {}
    if j["state"] == "RUNNING" and p.get("epoch", 0) >= 2 and p.get("batch", 0) >= 0.3 * p.get("batchesPerEpoch", 1):
        break
    if j["state"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
        sys.exit(f"job ended {j['state']} before it could be killed mid-epoch 2")
    time.sleep(0.1)
victim, attempt = j["worker"], j["attempt"]
os.kill(int(pids[victim]), signal.SIGKILL)
killed = time.time()
stale = position(job())  # nothing writes progress now until another worker has the job
claimed = progressed = None
while progressed is None:
    time.sleep(0.1)
    j = job()
    now = time.time()
    if j["attempt"] > attempt and claimed is None:
        claimed = now
    resumes = j.get("resumes") or []
    if claimed and resumes and resumes[-1]["worker"] == j["worker"]:
        start = (resumes[-1]["fromEpoch"], resumes[-1]["fromBatch"])
        if position(j) > start and position(j) != stale:
            progressed = now
    if now - killed > 600:
        sys.exit("no new attempt within 600 s of the kill")
resumed = datetime.datetime.fromisoformat(resumes[-1]["at"].replace("Z", "+00:00")).timestamp()
print(json.dumps({"killed": victim, "new": j["worker"], "attempt": j["attempt"], "from": resumes[-1]["fromEpoch"],
                  "claimed": round(claimed - killed, 2), "resumption": round(resumed - killed, 2),
                  "progress": round(progressed - killed, 2)}))
PY
}

# Three workers, so that while a killed one starts again (minutes on a loaded machine) two are there.
failover() {
  local lease=$1 heartbeat=$2 results=() id result victim
  new_round
  local args=(--atelier.jobs.lease-duration="${lease}s" --atelier.jobs.heartbeat-interval="${heartbeat}s")
  start_node api-1 api "${args[@]}"
  for w in a b c; do start_node "worker-$w" worker "${args[@]}"; done
  wait_ready api-1 worker-a worker-b worker-c
  port=${ports[api-1]}
  for run in $(seq 1 "$runs"); do
    # Two workers must be up: the one that will be killed and the one that takes over.
    while [ "$(for w in a b c; do curl -sf "localhost:${ports[worker-$w]}/actuator/health/readiness" >/dev/null && echo up; done | wc -l)" -lt 2 ]; do sleep 1; done
    id=$(start_job "$failover_job")
    result=$(kill_and_follow "$id")
    echo "  lease ${lease}s run $run: $result"
    results+=("$result")
    api -X POST "localhost:$port/jobs/$id/cancel" >/dev/null || true
    victim=$(printf '%s' "$result" | python3 -c 'import json,sys; print(json.load(sys.stdin)["killed"])')
    wait "${pids[$victim]}" 2>/dev/null || true
    start_node "$victim" worker "${args[@]}"
    # The cancelled job must have left its worker before the next one is submitted.
    wait_for_job "$id" >/dev/null 2>&1 || true
  done
  stop_nodes
  printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys
rows = [json.loads(line) for line in sys.stdin if line.strip()]
print("  lease %ss, heartbeat %ss, median of %d: kill->claimed %.2f s, kill->resumption recorded %.2f s, kill->new progress %.2f s"
      % (sys.argv[1], sys.argv[2], len(rows), statistics.median(r["claimed"] for r in rows),
         statistics.median(r["resumption"] for r in rows), statistics.median(r["progress"] for r in rows)))' "$lease" "$heartbeat"
}

# One API and two workers of one intra-op thread, started once; for a 1-worker round the second is
# stopped (SIGSTOP): idle, it holds no lease, and stopped it neither polls nor takes CPU.
start_makespan_cluster() {
  new_round
  start_node api-1 api
  JAVA_THREADS=1 start_node worker-1 worker
  JAVA_THREADS=1 start_node worker-2 worker
  wait_ready api-1 worker-1 worker-2
  port=${ports[api-1]}
  echo "  worker-1 log: $(grep -ho 'Number of intra-op threads is [0-9]*' "$work/logs/worker-1.log" | tail -n 1)"
}

# CPU seconds (user + system, every thread) the given processes have used so far.
cpu_seconds() {
  local pid total=0
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  python3 -c "print($total / $(getconf CLK_TCK))"
}

# Prints one JSON line: seconds from the first creation to the last end, and each job's worker and run time.
makespan() {
  local workers=$1 ids=() id jobs=()
  if [ "$workers" = 1 ]; then kill -STOP "${pids[worker-2]}"; else kill -CONT "${pids[worker-2]}"; fi
  local cpu_before; cpu_before=$(cpu_seconds "${pids[worker-1]}" "${pids[worker-2]}")
  for _ in 1 2 3 4; do ids+=("$(start_job "$makespan_job")"); done
  for id in "${ids[@]}"; do jobs+=("$(wait_for_job "$id")"); done
  local cpu; cpu=$(python3 -c "print(round($(cpu_seconds "${pids[worker-1]}" "${pids[worker-2]}") - $cpu_before, 1))")
  printf '%s\n' "${jobs[@]}" | CPU=$cpu python3 -c '
import datetime, json, os, sys
t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
jobs = [json.loads(line) for line in sys.stdin if line.strip()]
print(json.dumps({"workers": int(sys.argv[1]),
                  "makespan": round(max(t(j["finishedAt"]) for j in jobs) - min(t(j["createdAt"]) for j in jobs), 2),
                  "workerCpuSeconds": float(os.environ["CPU"]),
                  "jobs": [[j["worker"], round(t(j["finishedAt"]) - t(j["startedAt"]), 2)] for j in jobs],
                  "accuracy": [j["evaluation"]["accuracy"] for j in jobs]}))' "$workers"
}

machine
echo "load average at start: $(uptime | sed 's/.*load average: //')"
start_postgres
for part in "${parts[@]}"; do
  case "$part" in
    failover)
      echo "failover: job $failover_job, killed mid-epoch 2; $runs runs per lease"
      failover 30 2
      echo "  load average: $(uptime | sed 's/.*load average: //')"
      failover "$short_lease" "$short_heartbeat"
      echo "  load average: $(uptime | sed 's/.*load average: //')"
      ;;
    makespan)
      echo "makespan: 4 x $makespan_job queued at once; workers of 1 intra-op thread; 1 and 2 workers alternated, $runs runs each"
      start_makespan_cluster
      results=()
      for run in $(seq 1 "$runs"); do
        for workers in 1 2; do
          # Not in a subshell: worker-2 must stay stopped or running as this round left it.
          makespan "$workers" >"$work/result"
          result=$(cat "$work/result")
          echo "  run $run: $result   load average: $(uptime | sed 's/.*load average: //')"
          results+=("$result")
        done
      done
      stop_nodes
      printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys
rows = [json.loads(line) for line in sys.stdin if line.strip()]
one = statistics.median(r["makespan"] for r in rows if r["workers"] == 1)
two = statistics.median(r["makespan"] for r in rows if r["workers"] == 2)
ratios = [a["makespan"] / b["makespan"] for a, b in zip(rows[0::2], rows[1::2])]
print("  median makespan: 1 worker %.2f s, 2 workers %.2f s, speed-up %.2fx (median of per-run ratios %.2fx)"
      % (one, two, one / two, statistics.median(ratios)))
cores = lambda n: statistics.median(r["workerCpuSeconds"] / r["makespan"] for r in rows if r["workers"] == n)
print("  median CPU the workers got: 1 worker %.2f cores, 2 workers %.2f cores" % (cores(1), cores(2)))'
      ;;
    *) echo "unknown part $part (failover, makespan)" >&2; exit 2 ;;
  esac
done
