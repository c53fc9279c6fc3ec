#!/usr/bin/env bash
# run.sh SECONDS TARGET... - run each fuzz target for SECONDS from its
# committed corpus (make fuzz runs this). New inputs go to a working copy in
# $FUZZ_OUT/corpus/TARGET, never into fuzz/corpus: make fuzz-merge adds them.
set -uo pipefail
seconds=$1
shift
out=${FUZZ_OUT:-build/fuzz}
status=0
for target in "$@"; do
    work=$out/corpus/$target
    mkdir -p "$work" "$out/findings"
    log=$out/$target.log
    # -timeout: one input taking over 10 s is a finding (an endless loop);
    # -rss_limit_mb: so is one that makes a parser take over 2 GB.
    "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/findings/$target-" "$work" "fuzz/corpus/$target" > "$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    inputs=$(find "fuzz/corpus/$target" "$work" -type f | wc -l)
    if [ "$rc" -eq 0 ]; then
        printf 'fuzz %-14s %9s inputs run in %s s, corpus of %s: nothing found\n' "$target" "${runs:-?}" "$seconds" "$inputs"
    else
        status=1
        echo "fuzz $target: FOUND something (exit $rc); the last lines of $log:"
        tail -n 30 "$log"
        finding=$(ls -t "$out/findings/$target-"* 2>/dev/null | head -n 1)
        [ -n "$finding" ] && echo "reproduce it with: $out/$target $finding"
    fi
done
exit $status
