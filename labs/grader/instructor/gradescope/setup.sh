#!/usr/bin/env bash
# setup.sh - Gradescope runs this once, as root, when it builds the image of
# the autograder: it installs what the project needs and builds everything
# but the student's file, so that each submission only compiles that.
# (AUTOGRADER_ROOT replaces /autograder, to try it out on another machine.)
set -euo pipefail
source_dir="${AUTOGRADER_ROOT:-/autograder}/source"
cd "$source_dir"

missing=()
command -v make >/dev/null 2>&1 || missing+=(make)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
[ -f /usr/include/doctest/doctest.h ] || [ -f /usr/local/include/doctest/doctest.h ] || missing+=(doctest-dev)
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
fi

# The project is C++20 as g++ 12 knows it; older images (Ubuntu 22.04's g++
# is 11) get g++-12 beside it, and the grading uses that.
: > gradescope.env
if [ "$(g++ -dumpversion | cut -d. -f1)" -lt 12 ]; then
    if command -v g++-12 >/dev/null 2>&1 ||
       { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++-12 >/dev/null; }; then
        echo "CXX=g++-12" > gradescope.env
    fi
fi
cxx=$(sed -n 's/^CXX=//p' gradescope.env)

lab=$(python3 -c 'import json; print(json.load(open("gradescope.json"))["lab"])')
make --no-print-directory -j"$(nproc)" all ${cxx:+CXX=$cxx}
# The grader and the starter: the starter fails its grader, as it should.
make --no-print-directory "$lab" ${cxx:+CXX=$cxx} > /dev/null 2>&1 || true
echo "setup.sh: $lab is ready to grade"
