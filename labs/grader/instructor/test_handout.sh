#!/usr/bin/env bash
# test_handout.sh - make labs-handout makes the students' copy of the last
# commit: it must refuse while labs/ has changes that are not committed
# (naming them), go on with LABS_HANDOUT_DIRTY=1 (with a warning, and still
# the last commit), and not mind changes the copy leaves out anyway.
#
# It works in a clone of the project made in a temporary folder, with this
# working copy's labs/labs.mk committed there, so that what the working
# copy holds (committed or not) changes nothing. `make test` runs it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "test_handout: FAILED: $*" >&2; failures=$((failures + 1)); }

repo=$tmp/project
git clone -q "$root" "$repo"
cp "$root/labs/labs.mk" "$repo/labs/labs.mk"
cd "$repo"
git_commit() { git -c user.name=test -c user.email=test@localhost commit -q "$@"; }
git_commit --allow-empty -m "the labs.mk under test" -- labs/labs.mk

handout=$tmp/build/labs-handout
# make labs-handout in the clone: its status, its stderr in $tmp/err
make_handout() {
    rm -rf "$handout"
    set +e
    # A make of its own (run from make test -j2, it would inherit the
    # jobserver of a make it is not a rule of, and warn on stderr).
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory BUILD="$tmp/build" BIN="$tmp/build/bin" \
        labs-handout "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    set -e
}

# 1. Nothing changed: the copy is made, without the solutions.
make_handout
[ $status = 0 ] || fail "with nothing changed, make labs-handout exits $status: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "with nothing changed, make labs-handout says on stderr: $(cat "$tmp/err")"
[ -f "$handout/labs/05-swarm/README.md" ] || fail "with nothing changed, the copy has no labs/05-swarm/README.md"
[ -d "$handout/labs/05-swarm/solution" ] && fail "the copy holds labs/05-swarm/solution/"

# 2. A handout changed and a new file in labs/, neither committed: it stops,
# in one line naming both and how to go on, and writes no copy. A change to
# a solution (left out of the copy anyway) is not named.
echo "The class swarm's tracker moved to another address." >>labs/05-swarm/README.md
echo "notes" >labs/05-swarm/new-notes.txt
echo "// changed" >>labs/05-swarm/solution/policy.cpp
make_handout
[ $status != 0 ] || fail "with labs/05-swarm/README.md changed, make labs-handout succeeds"
message=$(grep 'make labs-handout:' "$tmp/err" || true)
[ "$(echo "$message" | grep -c .)" = 1 ] || fail "its message is not one line: $(cat "$tmp/err")"
for expected in labs/05-swarm/README.md labs/05-swarm/new-notes.txt LABS_HANDOUT_DIRTY=1 commit; do
    case $message in *"$expected"*) ;; *) fail "its message does not say '$expected': $message" ;; esac
done
case $message in *solution/policy.cpp*) fail "its message names a solution, which the copy leaves out: $message" ;; esac
[ -e "$handout" ] && fail "with changes not committed, $handout was written all the same"

# 3. LABS_HANDOUT_DIRTY=1: the copy is made of the last commit, with a warning.
make_handout LABS_HANDOUT_DIRTY=1
[ $status = 0 ] || fail "with LABS_HANDOUT_DIRTY=1, make labs-handout exits $status: $(cat "$tmp/err")"
grep -q 'warning.*labs/05-swarm/README.md' "$tmp/err" || fail "with LABS_HANDOUT_DIRTY=1, no warning naming the README: $(cat "$tmp/err")"
grep -q 'tracker moved' "$handout/labs/05-swarm/README.md" 2>/dev/null &&
    fail "with LABS_HANDOUT_DIRTY=1, the copy holds the change that is not committed"
[ -e "$handout/labs/05-swarm/new-notes.txt" ] && fail "with LABS_HANDOUT_DIRTY=1, the copy holds a file that is not committed"

# 4. Only what the copy leaves out has changed (and a file outside labs/): it goes on, saying nothing.
git checkout -q -- labs/05-swarm/README.md
rm labs/05-swarm/new-notes.txt
echo "changed" >>README.md
make_handout
[ $status = 0 ] || fail "with only a solution and README.md changed, make labs-handout exits $status: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "with only a solution and README.md changed, make labs-handout says on stderr: $(cat "$tmp/err")"

if [ $failures = 0 ]; then
    echo "test_handout: make labs-handout refuses uncommitted changes to labs/, goes on with LABS_HANDOUT_DIRTY=1: 4 cases passed"
else
    echo "test_handout: $failures checks failed" >&2
    exit 1
fi
