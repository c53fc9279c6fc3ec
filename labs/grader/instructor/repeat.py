#!/usr/bin/env python3
"""repeat.py - does a grader give the same verdict every time, also on a busy machine?

    python3 labs/grader/instructor/repeat.py --lab lab05 --lab lab06 [--runs 10] [--load]
            [--report labs/VERDICTS.md]

Grades the reference solution and every kept wrong implementation of each
lab (grader/wrong/*/EXPECT) --runs times, and counts the verdicts: for the
solution, the score line; for a wrong implementation, which of the
requirements its EXPECT names failed (graded as labs-verify grades it,
GRADE_ONLY). With --load, a parallel build (make -j2 -B, in a build folder
of its own) keeps both cores busy for the whole run, as a class's machines
are while students build. A grader is steady when every case has one
verdict in all its runs.
"""

import argparse
import collections
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROGRAM = "repeat"
BUILD = ["BUILD=build/repeat", "BIN=build/repeat/bin"]


def make(*args, env=None):
    return subprocess.run(["make", "--no-print-directory", *args, *BUILD], cwd=ROOT, env=env, text=True,
                          errors="replace", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def cases_of(lab):
    """(name, WRONG folder or None, the requirements it must fail) of a lab."""
    cases = [("solution", None, [])]
    for expect in sorted(ROOT.glob("labs/*/grader/wrong/*/EXPECT")):
        text = expect.read_text()
        target = re.search(r"^target\s+(\S+)", text, re.M)
        if target and target.group(1) == lab:
            fails = re.findall(r"^fail\s+(.*)$", text, re.M)
            cases.append((expect.parent.name, str(expect.parent.relative_to(ROOT)), fails))
    return cases


def verdict(lab, wrong, fails, deadline):
    env = dict(os.environ, GRADE_DEADLINE=str(deadline))
    env.pop("GRADE_ONLY", None)
    if wrong:
        env["GRADE_ONLY"] = "\n".join(fails)
        done = make(lab, f"WRONG={wrong}", env=env)
    else:
        done = make(lab, "SOLUTION=1", env=env)
    score = re.search(r"^score: (\d+/\d+)", done.stdout, re.M)
    if not score:
        return "no score"
    failed = set(re.findall(r"^FAIL  (.*)$", done.stdout, re.M))
    if not wrong:
        return "score " + score.group(1) + ("" if not failed else ": fails " + "; ".join(sorted(failed)))
    missed = [f for f in fails if f not in failed]
    return "rejected as EXPECT says" if not missed else "passes " + "; ".join(missed)


def main():
    p = argparse.ArgumentParser(prog=PROGRAM, description="Grade each case of a lab many times; count verdicts.")
    p.add_argument("--lab", action="append", required=True, help="a lab's make target (repeatable)")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--load", action="store_true", help="keep both cores busy with a parallel build meanwhile")
    p.add_argument("--deadline", type=int, default=30, help="seconds a requirement may take (default 30)")
    p.add_argument("--report", default=str(ROOT / "build" / "repeat" / "VERDICTS.md"))
    args = p.parse_args()

    for lab in args.lab:  # built once, before the load starts
        make(lab, "SOLUTION=1")
    load = None
    if args.load:
        load = subprocess.Popen(["bash", "-c", "while true; do make -j2 -B BUILD=build/load BIN=build/load/bin all "
                                 ">/dev/null 2>&1; done"], cwd=ROOT, start_new_session=True)
    started = time.monotonic()
    rows = []
    try:
        for lab in args.lab:
            for name, wrong, fails in cases_of(lab):
                counts = collections.Counter()
                for run in range(args.runs):
                    counts[verdict(lab, wrong, fails, args.deadline)] += 1
                    print(f"\r{lab} {name}: {run + 1}/{args.runs}", end="", flush=True)
                rows.append((lab, name, counts))
                print(f"\r{lab} {name}: " + "; ".join(f"{v} ({n})" for v, n in counts.items()), flush=True)
    finally:
        if load:
            os.killpg(load.pid, 9)
            load.wait()
    wall = time.monotonic() - started
    steady = all(len(c) == 1 for _, _, c in rows)
    lines = ["# Grader verdicts, run after run", "",
             f"Written by `labs/grader/instructor/repeat.py --runs {args.runs} --deadline {args.deadline}" +
             (" --load" if args.load else "") +
             "`: the reference solution and every kept wrong implementation, each graded "
             f"{args.runs} times" + (", while a parallel build (`make -j2 -B`) kept both cores busy" if args.load
                                     else "") + f". {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
             f"{platform.machine()}; {wall / 60:.1f} min.", "",
             "| lab | case | verdicts (runs) |", "|---|---|---|"]
    for lab, name, counts in rows:
        lines.append(f"| {lab} | {name} | " + "; ".join(f"{v} ({n})" for v, n in counts.most_common()) + " |")
    lines += ["", "Every case gave one verdict in all its runs." if steady else
              "Some cases gave more than one verdict: see the rows with two."]
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text("\n".join(lines) + "\n")
    print(f"{PROGRAM}: report in {args.report}")
    return 0 if steady else 1


if __name__ == "__main__":
    sys.exit(main())
