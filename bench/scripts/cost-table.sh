#!/usr/bin/env bash
# Regenerates cost tables from committed `lobench overhead` runs (their overhead.jsonl), so that the README's numbers
# are never copied by hand. Needs jq (apt-get install jq).
#
#   bench/scripts/cost-table.sh RUN_DIR          # print the Markdown table of one run
#   bench/scripts/cost-table.sh --update FILE    # rewrite every block of FILE between
#                                                 #   <!-- cost-table: RUN_DIR -->  and  <!-- /cost-table -->
#                                                 # (RUN_DIR relative to the repository root) from that run
#
# Table: one row per (task, kind), median ms per step and, for every optimizer but adam, the ratio to adam's median
# of the same task and kind in the same run; a line above it gives the run's CPU model, thread count, commit, the
# learned kernel (vector or scalar), OMP_WAIT_POLICY and the calibration medians. When the run's JMH records
# (jmh-optimizer-only.json, jmh-full-step.json) carry CpuTimeProfiler's "cpu.ms/op", a second table gives CPU ms per
# step: the work a step takes, which competing processes on a shared machine do not inflate.
#
#   bench/scripts/cost-table.sh --trim RUN_DIR   # drop the raw samples from RUN_DIR's jmh-*.json (to commit them)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

die() { echo "cost-table: $*" >&2; exit 2; }
command -v jq >/dev/null || die "needs jq (apt-get install jq)"

table() { # RUN_DIR (absolute or relative to the repository root)
  local dir="$1" f
  case "$dir" in /*) ;; *) [ -d "$dir" ] || dir="$root/$dir" ;; esac
  f="$dir/overhead.jsonl"
  [ -f "$f" ] || f="$dir/overhead.jsonl.gz"   # the records under experiments/ are gzipped
  [ -f "$f" ] || die "no overhead.jsonl or overhead.jsonl.gz in $1"
  # CPU ms per step from the JMH records (CpuTimeProfiler), keyed "kind|task|optimizer base name"
  local cpu='{}' k
  for k in optimizer-only full-step; do
    local j="$dir/jmh-$k.json"
    [ -f "$j" ] || j="$j.gz"
    [ -f "$j" ] || continue
    cpu="$(jq -c --arg k "$k" --argjson acc "$cpu" '$acc + (map(select(.secondaryMetrics["cpu.ms/op"] != null)
        | {key: "\($k)|\(.params.task)|\(.params.optimizer | split(":")[0])",
           value: (.secondaryMetrics["cpu.ms/op"].score)}) | from_entries)' <(gzip -cdf "$j"))"
  done
  jq -rs --argjson cpu "$cpu" '
    def num: if . >= 100 then (. | round | tostring)
             elif . >= 10 then ((. * 10 | round) / 10 | tostring)
             elif . >= 1 then ((. * 100 | round) / 100 | tostring)
             else ((. * 1000 | round) / 1000 | tostring) end;
    def firsts: reduce .[] as $x ([]; if index([$x]) then . else . + [$x] end);
    (map(select(.type == "header")) | .[0]) as $h
    | map(select(.type == "overhead" and .status == "ok")) as $all
    | ($all | map(select(.kind == "calibration"))) as $cal
    | ($all | map(select(.kind != "calibration"))) as $r
    | ((["adam"] + ($r | map(.optimizer))) | firsts
       | map(. as $o | select($r | any(.optimizer == $o)))) as $opts
    | ($r | map([.task, .kind]) | firsts) as $rows
    | "CPU \($h.cpuModel), \($h.threads) threads, commit \($h.gitCommit[0:7]), learned kernel: \($h.extra.learnedKernel // "scalar (before the vector kernels)"), OMP_WAIT_POLICY=\(if $h.extra | has("ompWaitPolicy") then ($h.extra.ompWaitPolicy // "unset") else "not recorded" end)\(if ($h.extra.gompSpincount // null) != null then ", GOMP_SPINCOUNT=\($h.extra.gompSpincount)" else "" end); calibration: "
      + ($cal | map("\(.optimizer) \(.medianMs | num) ms") | join(", ")) + ".",
      "",
      "| task (params) | kind | " + ($opts | join(" | ")) + " |",
      "|---|---|" + ($opts | map("---|") | join("")),
      ($rows[] as [$t, $k]
        | ($r | map(select(.task == $t and .kind == $k))) as $cells
        | ($cells | map(select(.optimizer == "adam")) | .[0].medianMs) as $base
        | "| \($t) (\($cells[0].numParams)) | \($k) | "
          + ($opts | map(. as $o | ($cells | map(select(.optimizer == $o)) | .[0]) as $c
              | if $c == null then "-"
                elif $o == "adam" or $base == null then "\($c.medianMs | num)"
                else "\($c.medianMs | num) (\($c.medianMs / $base | (. * 100 | round) / 100)x)" end)
            | join(" | ")) + " |"),
      (if ($cpu | length) == 0 then empty else
        "",
        "CPU time per step (ms, all threads of the benchmark JVM; JMH CpuTimeProfiler), ratio to adam:",
        "",
        "| task (params) | kind | " + ($opts | join(" | ")) + " |",
        "|---|---|" + ($opts | map("---|") | join("")),
        ($rows[] as [$t, $k]
          | ($r | map(select(.task == $t and .kind == $k))) as $cells
          | $cpu["\($k)|\($t)|adam"] as $base
          | "| \($t) (\($cells[0].numParams)) | \($k) | "
            + ($opts | map(. as $o | $cpu["\($k)|\($t)|\($o)"] as $c
                | if $c == null then "-"
                  elif $o == "adam" or $base == null then "\($c | num)"
                  else "\($c | num) (\($c / $base | (. * 100 | round) / 100)x)" end)
              | join(" | ")) + " |")
      end)
  ' <(gzip -cdf "$f")
}

if [ "${1:-}" = "--trim" ]; then
  [ $# -eq 2 ] && [ -d "$2" ] || die "usage: cost-table.sh --trim RUN_DIR"
  for j in "$2"/jmh-*.json; do
    jq 'map(del(.primaryMetric.rawData, .primaryMetric.rawDataHistogram)
        | .secondaryMetrics |= with_entries(.value |= del(.rawData, .rawDataHistogram)))' "$j" >"$j.tmp"
    mv "$j.tmp" "$j"
  done
elif [ "${1:-}" = "--update" ]; then
  [ $# -eq 2 ] || die "usage: cost-table.sh --update FILE"
  file="$2"
  [ -f "$file" ] || die "no such file: $file"
  out="$(mktemp)"
  skip=0
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" =~ ^\<!--\ cost-table:\ (.+)\ --\>$ ]]; then
      printf '%s\n' "$line" >>"$out"
      table "${BASH_REMATCH[1]}" >>"$out"
      skip=1
    elif [ "$line" = "<!-- /cost-table -->" ]; then
      printf '%s\n' "$line" >>"$out"
      skip=0
    elif [ $skip = 0 ]; then
      printf '%s\n' "$line" >>"$out"
    fi
  done <"$file"
  [ $skip = 0 ] || { rm -f "$out"; die "$file: <!-- cost-table: ... --> without <!-- /cost-table -->"; }
  cat "$out" >"$file"
  rm -f "$out"
elif [ $# -eq 1 ]; then
  table "$1"
else
  die "usage: cost-table.sh RUN_DIR | --update FILE"
fi
