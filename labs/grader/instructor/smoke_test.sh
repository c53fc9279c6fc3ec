#!/usr/bin/env bash
# smoke_test.sh - batch grading and the Gradescope zip, tried on lab 01.
#
#   bash labs/grader/instructor/smoke_test.sh [WORK_DIR]
#
# Batch grading: a folder of five submissions (the reference solution, the
# starter, a file that does not compile, a pinger that loops for ever, one
# that deletes files) must give five rows, with the scores make lab01 gives
# the solution and the starter. Gradescope: the zip of lab 01, unpacked into a
# folder laid out as Gradescope lays out /autograder, must score the solution
# and the starter as make lab01 does. About four minutes on 2 cores.
set -u
cd "$(dirname "$0")/../../.."
work=${1:-build/smoke}
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
lab=lab01
dir=labs/01-udp-pinger
status=0
problem() { echo "smoke_test: $*" >&2; status=1; }

# make's score for one variant, e.g. "16/16".
score_of() { make --no-print-directory $lab "$@" 2>&1 | sed -n 's/^score: \([0-9]*\/[0-9]*\).*/\1/p'; }
solution_score=$(score_of SOLUTION=1)
starter_score=$(score_of STARTER=1)
echo "make $lab: the solution scores $solution_score, the starter $starter_score"

# ---------------------------------------------------------------- batch grading
subs=$work/submissions
mkdir -p "$subs"/{solution,starter,broken,forever,deletes}
cp $dir/solution/pinger.cpp "$subs/solution/"
git show HEAD:$dir/pinger.cpp > "$subs/starter/pinger.cpp" 2>/dev/null || cp $dir/pinger.cpp "$subs/starter/"
{ cat $dir/solution/pinger.cpp; echo "this line does not compile"; } > "$subs/broken/pinger.cpp"
sed 's|^int main(int argc, char\* argv\[\]) {|&\n    for (volatile bool forever = true; forever;) {\n    }|' \
    $dir/solution/pinger.cpp > "$subs/forever/pinger.cpp"
sed -e 's|^#include <chrono>|&\n#include <filesystem>|' \
    -e 's|^int main(int argc, char\* argv\[\]) {|&\n    std::error_code ignored;\n    std::filesystem::remove_all("labs", ignored);\n    std::filesystem::remove_all("../template", ignored);|' \
    $dir/solution/pinger.cpp > "$subs/deletes/pinger.cpp"

echo "== batch grading of $subs"
python3 labs/grader/instructor/grade_class.py --lab $lab --submissions "$subs" --out "$work/grades" \
    --jobs 2 --deadline 120 || problem "grade_class.py failed"
csv=$work/grades/grades.csv
cat "$csv"
row() {  # ID -> "score/max|failed", or "none"
    python3 -c 'import csv,sys; r={x["id"]: x for x in csv.DictReader(open(sys.argv[1]))}; x=r.get(sys.argv[2]); print("%s/%s|%s" % (x["score"], x["max"], x["failed"]) if x else "none")' "$csv" "$1"
}
[ "$(row solution | cut -d'|' -f1)" = "$solution_score" ] || problem "the solution's row is not $solution_score"
[ "$(row starter | cut -d'|' -f1)" = "$starter_score" ] || problem "the starter's row is not $starter_score"
row broken | grep -q '^0/.*|does not compile' || problem "the file that does not compile has no 'does not compile' row"
case "$(row forever)" in none | "$solution_score"*) problem "the endless loop has no row, or a full score" ;; esac
[ "$(row deletes)" != none ] || problem "the submission that deletes files has no row"
[ "$(wc -l < "$csv")" = 6 ] || problem "grades.csv should have a header and 5 rows"

# ---------------------------------------------------------------- Gradescope
echo "== Gradescope: the zip, setup.sh, run_autograder"
make --no-print-directory $lab-gradescope || problem "make $lab-gradescope failed"
# The image: the zip unpacked into source/ and setup.sh run, once, as
# Gradescope does when it builds the autograder's image.
image=$work/autograder-image
mkdir -p "$image/source"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "build/gradescope/$lab.zip" "$image/source"
chmod +x "$image/source/setup.sh" "$image/source/run_autograder"
cp "$image/source/run_autograder" "$image/"
AUTOGRADER_ROOT=$image bash "$image/source/setup.sh" > "$work/setup.log" 2>&1 ||
    { problem "setup.sh failed"; tail "$work/setup.log" >&2; }
gradescope() {  # SUBMISSION -> the score in results.json, e.g. "16/16"
    local root=$work/autograder-$1  # a fresh copy of the image for each submission
    cp -a "$image" "$root"
    mkdir -p "$root/submission" "$root/results"
    cp "$subs/$1/pinger.cpp" "$root/submission/"
    (cd "$root" && AUTOGRADER_ROOT=$root ./run_autograder > "$root/results/stdout" 2>&1) || problem "run_autograder failed"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%d/%d" % (d["score"], sum(t["max_score"] for t in d["tests"])))' \
        "$root/results/results.json"
}
got=$(gradescope solution); echo "Gradescope, the solution: $got (make: $solution_score)"
[ "$got" = "$solution_score" ] || problem "Gradescope scores the solution $got, make $solution_score"
got=$(gradescope starter); echo "Gradescope, the starter: $got (make: $starter_score)"
[ "$got" = "$starter_score" ] || problem "Gradescope scores the starter $got, make $starter_score"

[ $status = 0 ] && echo "smoke_test: batch grading and Gradescope agree with make $lab"
exit $status
