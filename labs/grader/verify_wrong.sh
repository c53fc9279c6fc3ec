#!/usr/bin/env bash
# verify_wrong.sh - part of `make labs-verify`: every wrong implementation kept
# next to a grader must fail that grader, with the requirement it names.
#
# A wrong implementation is a folder labs/NN-name/grader/wrong/CASE/ holding,
# for each file it changes, the file (say pinger.cpp) or a patch of the
# reference solution's (pinger.cpp.patch: the mistake and nothing else), and
# a file EXPECT:
#
#     # one line on the mistake, as a student would make it
#     target lab01
#     fail gives up one second after sending, not later
#
# `target` is the make target that grades it; each `fail` line names a
# requirement (a grader line "FAIL  <requirement>") that must fail; each
# `says` line (optional) is a piece of text the grader's report must show,
# such as the part of a hint or of a `found:` line meant for this mistake:
#
#     says for a length of 0, call no recv() at all
#
#   verify_wrong.sh MAKE LOGDIR [TARGETS]
#
# TARGETS (optional, the labs-verify's LABS): only the cases whose target is
# one of these are checked, e.g. make labs-verify LABS="lab01 lab02".
#
# Most of a case's time is its grader waiting (for a timeout, a reply, a
# peer): three cases run at once (VERIFY_JOBS), each reported whole, in order.
# A case whose mistake must show in a measurement that load could blur (a
# swarm's timing) says so with a line `alone`, and runs by itself, last.
make_cmd=${1:-make}
logdir=${2:-build/labs}
targets=${3:-}
jobs=${VERIFY_JOBS:-3}
mkdir -p "$logdir"

# One case: grades it and writes what it found to $logdir/wrong-NAME.report;
# exits 1 when the grader does not reject it as EXPECT says.
check_case() {
    local dir=$1 target=$2
    local name
    name=$(basename "$dir")
    local log="$logdir/wrong-$name.log" expect="$dir/EXPECT"
    echo "== $target: the wrong implementation '$name' must fail"
    # Only the requirements it must fail are graded (GRADE_ONLY, read by
    # every grader's main): the others would pass, and take time.
    if GRADE_ONLY=$(sed -n 's/^fail[[:space:]]\{1,\}//p' "$expect") \
        $make_cmd --no-print-directory "$target" WRONG="$dir" >"$log" 2>&1; then
        cat "$log"
        echo "labs-verify: $target PASSES on $dir: the grader misses this mistake"
        return 1
    fi
    if ! grep -q '^score:' "$log"; then
        cat "$log"
        echo "labs-verify: $dir does not build, or its grader did not run"
        return 1
    fi
    local missing=0 requirement text
    while IFS= read -r requirement; do
        if ! grep -qxF "FAIL  $requirement" "$log"; then
            echo "labs-verify: $dir should fail '$requirement', but that requirement did not fail"
            missing=1
        fi
    done < <(sed -n 's/^fail[[:space:]]\{1,\}//p' "$expect")
    while IFS= read -r text; do
        if ! grep -qF -- "$text" "$log"; then
            echo "labs-verify: $dir should make the grader say '$text', but it does not"
            missing=1
        fi
    done < <(sed -n 's/^says[[:space:]]\{1,\}//p' "$expect")
    if [ $missing = 1 ]; then
        grep -E '^(PASS|FAIL|score)' "$log" | sed 's/^/   /'
        return 1
    fi
    grep -E '^(FAIL|score)' "$log" | sed 's/^/   /'
    echo "ok: $name fails $target"
}

status=0
cases=()
for expect in labs/*/grader/wrong/*/EXPECT; do
    [ -f "$expect" ] || continue
    dir=$(dirname "$expect")
    target=$(sed -n 's/^target[[:space:]]\{1,\}//p' "$expect" | head -n 1)
    if [ -z "$target" ]; then
        echo "labs-verify: $expect names no target" >&2
        status=1
        continue
    fi
    case " $targets " in
        "  ") ;;
        *" $target "*) ;;
        *) continue ;;
    esac
    cases+=("$dir $target")
done

# Run them, at most $jobs at a time (the `alone` ones afterwards, one by
# one); then report each in order.
run_case() {
    local report="$logdir/wrong-$(basename "$1").report"
    if check_case "$1" "$2" >"$report" 2>&1; then echo ok >"$report.status"; else echo failed >"$report.status"; fi
}
running=0
for c in "${cases[@]}"; do
    read -r dir target <<<"$c"
    grep -qx 'alone' "$dir/EXPECT" && continue
    run_case "$dir" "$target" &
    running=$((running + 1))
    if [ $running -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait
for c in "${cases[@]}"; do
    read -r dir target <<<"$c"
    grep -qx 'alone' "$dir/EXPECT" && run_case "$dir" "$target"
done
failed=()
for c in "${cases[@]}"; do
    read -r dir target <<<"$c"
    report="$logdir/wrong-$(basename "$dir").report"
    cat "$report"
    if [ "$(cat "$report.status" 2>/dev/null)" != ok ]; then
        echo "labs-verify: $dir: see above" >&2
        failed+=("$dir")
        status=1
    fi
done
echo "labs-verify: ${#cases[@]} wrong implementations checked"
# The ones that went wrong again at the end, with what their check said, so
# that the last lines of a long log name them.
for dir in "${failed[@]}"; do
    echo "labs-verify: NOT AS EXPECTED: $dir"
    grep '^labs-verify: ' "$logdir/wrong-$(basename "$dir").report" | sed 's/^/    /'
done
exit $status
