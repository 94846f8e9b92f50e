#!/usr/bin/env bash
# Runs bench/scripts/slurm-array.sh on a real Slurm: brings up a single-node Slurm cluster on this machine
# (munged, slurmctld, slurmd started directly, no systemd; stopped again on exit), submits the suite as a job array
# of SHARDS tasks, merges the shards in a job that depends on the array (afterok), runs the same plan unsharded with
# `lobench run`, and checks that every merged cell's per-step training losses (and outcome and test-loss evaluations)
# equal the unsharded run's bit for bit. Exit 0 only if they do.
#   sudo bench/scripts/slurm-local-check.sh [LOG]   (as root: installs slurm-wlm and munge with apt if missing; LOG
#                                                    must not exist yet; default: in the scratch folder)
# Environment: SUITE (default smoke), SHARDS (4), RUN_ARGS (extra `lobench run` arguments for both runs, e.g.
# "--steps 100"), WORK (scratch folder, default a new one under /tmp, removed at the end unless KEEP=1),
# OMP_NUM_THREADS (libtorch threads of every run, default 1), NICE (OS nice value of slurmd, its jobs and the
# unsharded run, default 19), MAX_WAIT (seconds to wait for the jobs, default 3600), SLURM_PORTS ("6817 6818").
# Slurm accounting (slurmdbd) is not set up, so there is no sacct: job states come from squeue, `scontrol show job`
# and the jobcomp/filetxt completion log. Memory is not enforced (no cgroups: proctrack/linuxproc, task/none).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# the CPU count before OMP_NUM_THREADS is set (GNU nproc honours it)
cpus="$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)"
suite="${SUITE:-smoke}"
shards="${SHARDS:-4}"
read -r -a run_args <<<"${RUN_ARGS:-}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
nice_n="${NICE:-19}"
max_wait="${MAX_WAIT:-3600}"
read -r ctld_port slurmd_port <<<"${SLURM_PORTS:-6817 6818}"
if [ -n "${1:-}" ] && [ -s "$1" ]; then echo "slurm-local-check: $1 exists; give another log path (or delete it)" >&2; exit 2; fi
work="${WORK:-$(mktemp -d /tmp/slurm-local-check.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
log="${1:-$work/slurm-local-check.log}"
mkdir -p "$(dirname "$log")"
: >"$log"
exec > >(tee -a "$log") 2>&1
say() { echo "[$(date -u +%H:%M:%S)] $*"; }
die() { say "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (slurmd and munged are started directly)"

# --- install -----------------------------------------------------------------------------------------------------
missing=()
for c in slurmctld slurmd sbatch munged python3; do command -v "$c" >/dev/null || missing+=("$c"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "missing: ${missing[*]}; installing slurm-wlm munge python3 with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends slurm-wlm munge python3 >/dev/null
fi
say "$(date -u +%F), lobench $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), suite $suite, $shards shards${RUN_ARGS:+, RUN_ARGS=$RUN_ARGS}"
say "host $(hostname -s), $cpus CPUs, $(free -m | awk '/^Mem:/ {print $2" MiB memory, "$7" MiB available"}');" \
  "slurm-wlm $(dpkg-query -W -f '${Version}' slurm-wlm 2>/dev/null || echo '?'), $(munged --version 2>&1 | head -1)"

# --- cleanup: everything started here is stopped on exit ------------------------------------------------------------
started_munged=0
ctld_pid=""
slurmd_pid=""
cleanup() {
  local rc=$?
  set +e
  if [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2>/dev/null; then
    jobs_left="$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')"
    [ -n "$jobs_left" ] && { say "cancelling jobs: $jobs_left"; scancel $jobs_left; sleep 5; }
  fi
  for p in $slurmd_pid $ctld_pid; do
    kill "$p" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  if [ "$started_munged" = 1 ] && [ -f /run/munge/munged.pid ]; then
    kill "$(cat /run/munge/munged.pid)" 2>/dev/null
  fi
  say "stopped the daemons started here (slurmd ${slurmd_pid:-none}, slurmctld ${ctld_pid:-none}, munged: $([ "$started_munged" = 1 ] && echo yes || echo 'not started here'))"
  if [ "${KEEP:-0}" != 1 ] && [ -z "${WORK:-}" ]; then rm -rf "$work"; else say "kept $work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- munge --------------------------------------------------------------------------------------------------------
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "munged already running"
else
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge /etc/munge
  if [ ! -s /etc/munge/munge.key ]; then
    runuser -u munge -- mungekey --create --keyfile /etc/munge/munge.key
  fi
  runuser -u munge -- /usr/sbin/munged
  started_munged=1
  munge -n | unmunge >/dev/null || die "munged started but munge -n | unmunge fails"
  say "started munged (pid $(cat /run/munge/munged.pid))"
fi

# --- slurm.conf ---------------------------------------------------------------------------------------------------
host="$(hostname -s)"
# RealMemory: what `free -m` calls available now (other jobs on this machine keep theirs) minus a 2 GiB margin
avail_mb="$(free -m | awk '/^Mem:/ {print $7}')"
real_mb=$((avail_mb - 2048))
[ "$real_mb" -ge 1024 ] || die "only $avail_mb MiB available"
sd="$work/slurm"
mkdir -p "$sd/state" "$sd/spool"
for p in "$ctld_port" "$slurmd_port"; do
  if ss -ltn "( sport = :$p )" | grep -q LISTEN; then die "port $p is in use (set SLURM_PORTS)"; fi
done
conf="$sd/slurm.conf"
cat >"$conf" <<EOF
# single-node Slurm for bench/scripts/slurm-local-check.sh (generated)
ClusterName=lobench-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$sd/state
SlurmdSpoolDir=$sd/spool
SlurmctldPidFile=$sd/slurmctld.pid
SlurmdPidFile=$sd/slurmd.pid
SlurmctldLogFile=$sd/slurmctld.log
SlurmdLogFile=$sd/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# no cgroups here: track processes by parent pid, no task containment, no accounting daemon
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$sd/jobcomp.txt
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MinJobAge=3600
InactiveLimit=0
KillWait=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$conf"
say "slurm.conf ($conf):"
grep -v '^#' "$conf" | sed 's/^/    /'

# --- daemons ------------------------------------------------------------------------------------------------------
slurmctld -D -i -f "$conf" >"$sd/slurmctld.stdout" 2>&1 &
ctld_pid=$!
# slurmd (and so every job it starts) runs at OS nice $nice_n: other work on this machine keeps its CPU share
nice -n "$nice_n" slurmd -D -f "$conf" >"$sd/slurmd.stdout" 2>&1 &
slurmd_pid=$!
say "started slurmctld (pid $ctld_pid), slurmd (pid $slurmd_pid, nice $nice_n)"
state=""
for _ in $(seq 1 120); do
  kill -0 "$ctld_pid" 2>/dev/null || { cat "$sd/slurmctld.stdout" "$sd/slurmctld.log" 2>/dev/null | tail -20; die "slurmctld exited"; }
  kill -0 "$slurmd_pid" 2>/dev/null || { cat "$sd/slurmd.stdout" "$sd/slurmd.log" 2>/dev/null | tail -20; die "slurmd exited"; }
  state="$(sinfo -h -N -n "$host" -o %T 2>/dev/null || true)"
  [ "$state" = idle ] && break
  sleep 1
done
[ "$state" = idle ] || { tail -20 "$sd/slurmctld.log" "$sd/slurmd.log"; die "node $host not idle after 120 s (state '$state')"; }
say "$(sinfo --version); sinfo:"
sinfo -N -l | sed 's/^/    /'

# --- the job array and the dependent merge ------------------------------------------------------------------------
# a pinned copy of the jar: the launcher would rebuild cli/target/lobench.jar under running jobs if sources changed
if [ ! -f "$here/cli/target/lobench.jar" ]; then
  say "building the jar"
  (cd "$here" && nice -n "$nice_n" mvn -o -q -B -pl cli -am package -DskipTests)
fi
cp "$here/cli/target/lobench.jar" "$work/lobench.jar"
export LOBENCH_JAR="$work/lobench.jar"
out="$work/sharded"
mem_opt=()
# slurm-array.sh asks for --mem=8G; ask for less only if this node has less
[ "$real_mb" -ge 8192 ] || mem_opt=(--mem="${real_mb}M")
cd "$here"
array_id="$(sbatch --parsable --array=1-"$shards" ${mem_opt[@]+"${mem_opt[@]}"} --output="$work/array-%A_%a.out" \
  bench/scripts/slurm-array.sh "$suite" "$out" ${run_args[@]+"${run_args[@]}"})"
say "submitted: sbatch --array=1-$shards ${mem_opt[*]:-} bench/scripts/slurm-array.sh $suite $out ${run_args[*]:-} -> job $array_id"
merge_id="$(sbatch --parsable --dependency=afterok:"$array_id" --job-name=lobench-merge --cpus-per-task=1 --mem=2G \
  --output="$work/merge-%j.out" --wrap "./lobench merge $out/shard-* --out $out/all")"
say "submitted: sbatch --dependency=afterok:$array_id --wrap \"./lobench merge $out/shard-* --out $out/all\" -> job $merge_id"

last=""
logged_nice=0
deadline=$((SECONDS + max_wait))
while :; do
  q="$(squeue -h -j "$array_id,$merge_id" -o '%.14i %.14j %.9T %.6C %.8m %R' 2>/dev/null || true)"
  [ -z "$q" ] && break
  # logged when a job's state changes (not every poll)
  if [ "$q" != "$last" ]; then say "squeue:"; echo "$q" | sed 's/^/    /'; last="$q"; fi
  if [ "$logged_nice" = 0 ]; then
    p="$(ps -eo pid,ni,args | grep -- "-jar $LOBENCH_JAR run --suite $suite --shard" | grep -v grep | head -1 || true)"
    if [ -n "$p" ]; then say "a running array task's JVM (pid, nice): $(echo "$p" | awk '{print $1", nice "$2}')"; logged_nice=1; fi
  fi
  [ "$SECONDS" -lt "$deadline" ] || die "jobs not finished after $max_wait s"
  sleep 5
done
say "jobs left the queue; scontrol show job:"
ok=1
n_jobs=0
f() { echo "$line" | grep -o "\b$1=[^ ]*" | head -1; }
# one line per array task (`scontrol show job ARRAY_ID` lists them all), then the merge job
while read -r line; do
  [ -n "$line" ] || continue
  n_jobs=$((n_jobs + 1))
  echo "    $(f JobId) $(f ArrayJobId) $(f ArrayTaskId) $(f JobName) $(f JobState) $(f ExitCode) $(f RunTime) $(f NumCPUs) $(f MinMemoryNode) $(f Dependency)"
  echo "$line" | grep -q 'JobState=COMPLETED' && echo "$line" | grep -q 'ExitCode=0:0' || ok=0
done < <(scontrol show job "$array_id" -o | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^ArrayTaskId=/) print substr($i, 13) "\t" $0}' \
           | sort -n | cut -f2-; scontrol show job "$merge_id" -o)
[ "$n_jobs" = $((shards + 1)) ] || { say "scontrol shows $n_jobs jobs, expected $shards array tasks and the merge"; ok=0; }
say "jobcomp log ($sd/jobcomp.txt):"
sed 's/^/    /' "$sd/jobcomp.txt" 2>/dev/null || true
for f in "$work"/array-*.out "$work"/merge-*.out; do
  say "$(basename "$f"): $(grep -E '^(results|merged|wrote)|[0-9]+ cells' "$f" | tr '\n' ' ' || true)"
done
if [ "$ok" != 1 ]; then
  for f in "$work"/array-*.out "$work"/merge-*.out; do say "--- $f"; tail -30 "$f"; done
  die "a job did not complete with exit code 0"
fi
[ -f "$out/all/results.jsonl" ] || die "no merged results at $out/all/results.jsonl"

# --- the same plan unsharded --------------------------------------------------------------------------------------
say "unsharded: lobench run --suite $suite ${run_args[*]:-} (nice $nice_n, OMP_NUM_THREADS=$OMP_NUM_THREADS)"
nice -n "$nice_n" ./lobench run --suite "$suite" ${run_args[@]+"${run_args[@]}"} --out "$work/unsharded" >"$work/unsharded.out" 2>&1 \
  || { tail -30 "$work/unsharded.out"; die "the unsharded run failed"; }

# --- compare ------------------------------------------------------------------------------------------------------
python3 - "$out/all/results.jsonl" "$work/unsharded/results.jsonl" "$out" "$shards" <<'PY'
import glob, json, struct, sys
merged_p, single_p, out, shards = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def cells(p):
    # parse_float=str keeps every number's text as written: equal texts are equal bits
    out = {}
    for line in open(p):
        r = json.loads(line, parse_float=str, parse_constant=str)
        if r["type"] == "cell":
            key = (r["cellKey"], r["task"], r["optimizer"], r["seed"])
            assert key not in out, f"{p}: cell {key} twice"
            out[key] = r
    return out
m, s = cells(merged_p), cells(single_p)
per_shard = {}
for f in sorted(glob.glob(f"{out}/shard-*/results.jsonl")):
    per_shard[f.split("/")[-2]] = set(cells(f))
union = set().union(*per_shard.values()) if per_shard else set()
print("  cells per shard: " + ", ".join(f"{k} {len(v)}" for k, v in per_shard.items()))
problems = []
if len(per_shard) != shards: problems.append(f"{len(per_shard)} shard results, expected {shards}")
if sum(len(v) for v in per_shard.values()) != len(union): problems.append("a cell is in two shards")
if union != set(m): problems.append("merged cells are not the union of the shards")
if set(m) != set(s):
    problems.append(f"cell sets differ: only merged {sorted(set(m) - set(s))}, only unsharded {sorted(set(s) - set(m))}")
f32 = lambda xs: [struct.pack(">f", float(x)).hex() for x in xs]
equal = 0
for k in sorted(set(m) & set(s)):
    a, b = m[k], s[k]
    diff = []
    if a["trainLoss"] != b["trainLoss"] or f32(a["trainLoss"]) != f32(b["trainLoss"]): diff.append("trainLoss")
    if a["outcome"] != b["outcome"]: diff.append("outcome")
    if [(e["step"], e.get("testLoss")) for e in a["evals"]] != [(e["step"], e.get("testLoss")) for e in b["evals"]]:
        diff.append("evals testLoss")
    if a["steps"] != b["steps"]: diff.append("steps")
    if not a["trainLoss"]: diff.append("no trainLoss at all")
    status = "equal" if not diff else "DIFFERENT: " + ", ".join(diff)
    print(f"  {k[0]}  {k[1]:<22} {k[2]:<16} seed {k[3]}  {len(a['trainLoss'])} losses, {len(a['evals'])} evals, last {a['trainLoss'][-1]}: {status}")
    if diff: problems.append(f"cell {k}: {', '.join(diff)} differ")
    else: equal += 1
print(f"compared {len(set(m) & set(s))} cells (merged {len(m)}, unsharded {len(s)}): {equal} bit-identical "
      f"(trainLoss per step, outcome, eval test losses), {len(set(m) & set(s)) - equal} different")
if problems:
    print("PROBLEMS:\n  " + "\n  ".join(problems)); sys.exit(1)
PY
say "OK: the Slurm job array's merged results equal the unsharded run bit for bit"
