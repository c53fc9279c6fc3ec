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
make_cmd=${1:-make}
logdir=${2:-build/labs}
targets=${3:-}
status=0
count=0
mkdir -p "$logdir"
for expect in labs/*/grader/wrong/*/EXPECT; do
    [ -f "$expect" ] || continue
    dir=$(dirname "$expect")
    name=$(basename "$dir")
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
    count=$((count + 1))
    log="$logdir/wrong-$name.log"
    echo "== $target: the wrong implementation '$name' must fail"
    # Only the requirements it must fail are graded (GRADE_ONLY, read by
    # every grader's main): the others would pass, and take time.
    if GRADE_ONLY=$(sed -n 's/^fail[[:space:]]\{1,\}//p' "$expect") \
        $make_cmd --no-print-directory "$target" WRONG="$dir" >"$log" 2>&1; then
        cat "$log"
        echo "labs-verify: $target PASSES on $dir: the grader misses this mistake" >&2
        status=1
        continue
    fi
    if ! grep -q '^score:' "$log"; then
        cat "$log"
        echo "labs-verify: $dir does not build, or its grader did not run" >&2
        status=1
        continue
    fi
    missing=0
    while IFS= read -r requirement; do
        if ! grep -qxF "FAIL  $requirement" "$log"; then
            echo "labs-verify: $dir should fail '$requirement', but that requirement did not fail" >&2
            missing=1
        fi
    done < <(sed -n 's/^fail[[:space:]]\{1,\}//p' "$expect")
    while IFS= read -r text; do
        if ! grep -qF -- "$text" "$log"; then
            echo "labs-verify: $dir should make the grader say '$text', but it does not" >&2
            missing=1
        fi
    done < <(sed -n 's/^says[[:space:]]\{1,\}//p' "$expect")
    if [ $missing = 1 ]; then
        grep -E '^(PASS|FAIL|score)' "$log" | sed 's/^/   /'
        status=1
        continue
    fi
    grep -E '^(FAIL|score)' "$log" | sed 's/^/   /'
    echo "ok: $name fails $target"
done
echo "labs-verify: $count wrong implementations checked"
exit $status
