#!/usr/bin/env python3
"""mutants.py - how strong is each lab's grader? Mutation testing.

    make labs-mutants                 every lab, every mutant: labs/MUTANTS.md
    make lab05-mutants                one lab (its mutants, its table)
    python3 labs/grader/instructor/mutants.py [--lab lab05 ...] [--sample N]
            [--jobs J] [--deadline S] [--report FILE] [--list] [--keep]

A mutant is the reference solution of a lab's student file with one small
change, on a line the student writes (one the starter does not have: the
given code is the same for everyone), of the kind a careless student makes: a `<` for a `<=`, `&&` for
`||`, a condition negated, a constant off by one, a statement or a `break`
left out, two arguments swapped, `else if` written `if`, `std::min` for
`std::max`, integer arithmetic where the solution uses `double`, a random
choice made with a generator of the student's own instead of the one given.
Each mutant is compiled (one that does not compile is dropped and counted)
and graded by the lab's grader, which stops at the first requirement that
fails (GRADE_FIRST_FAIL) and gives each requirement GRADE_DEADLINE seconds.

A mutant the grader passes has survived: either the grader misses a
mistake (then a requirement must be added or sharpened), or no behaviour
can tell the mutant from the solution. The latter are listed, with the
reason, in labs/NN-*/grader/EQUIVALENT:

    - policy.cpp:23  if (holders < fewest) {
    + policy.cpp:23  if (holders <= fewest) {
      why: ...

(the two lines name the mutant by its line before and after the change;
the line number is only a guide). The report counts, per lab and per file,
the mutants made, killed (and by which requirement), timed out, survived,
and judged equivalent, and lists every survivor. --sample N grades a fixed
sample of N mutants per file (the same N every time): CI's quick form.
The exit status is 1 when a mutant survives that is not listed as
equivalent, or an EQUIVALENT entry names no mutant (the solution changed).

A whole run of every lab writes labs/MUTANTS.md; a run of some labs writes
build/mutants/MUTANTS.md and keeps each lab's results, and --combine (make
labs-mutants MUTANTS_ARGS=--combine) writes labs/MUTANTS.md from the last
whole run of each lab, refusing a lab whose solution or grader changed
since.
"""

import argparse
import collections
import concurrent.futures
import difflib
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROGRAM = "mutants"

# The graded labs: make target -> (lab folder, the student's file the mutants
# are made of).
LABS = {
    "lab01": ("labs/01-udp-pinger", "pinger.cpp"),
    "lab02": ("labs/02-tcp-byte-streams", "stream.cpp"),
    "lab03": ("labs/03-many-clients", "server.cpp"),
    "lab03-poll": ("labs/03-many-clients", "poll_server.cpp"),
    "lab04": ("labs/04-distribution-time", "distribution.cpp"),
    "lab05": ("labs/05-swarm", "policy.cpp"),
    "lab06": ("labs/06-dht", "routing.cpp"),
}


# ---------------------------------------------------------------- where the code is

def code_mask(text):
    """For each character of `text`, whether it is code: not in a comment, a
    string or character literal, or a preprocessor line."""
    mask = [True] * len(text)
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and text[i:].lstrip(" \t").startswith("#"):
            end = text.find("\n", i)
            end = n if end < 0 else end
            for k in range(i, end):
                mask[k] = False
            i = end
            continue
        line_start = False
        if c == "\n":
            line_start = True
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            for k in range(i, end):
                mask[k] = False
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            for k in range(i, end):
                mask[k] = False
            i = end
        elif c == '"' and text[max(0, i - 1)] == "R" and text.startswith('R"(', i - 1):
            end = text.find(')"', i)
            end = n if end < 0 else end + 2
            for k in range(i, end):
                mask[k] = False
            i = end
        elif c in "\"'":
            k = i + 1
            while k < n and text[k] != c:
                k += 2 if text[k] == "\\" else 1
            for j in range(i, min(k + 1, n)):
                mask[j] = False
            i = k + 1
        else:
            i += 1
    return mask


def matching_paren(text, mask, opening):
    """The index of the ')' that closes text[opening] == '(' (code only)."""
    depth = 0
    for k in range(opening, len(text)):
        if not mask[k]:
            continue
        if text[k] == "(":
            depth += 1
        elif text[k] == ")":
            depth -= 1
            if depth == 0:
                return k
    return -1


# ---------------------------------------------------------------- the operators

Mutant = collections.namedtuple("Mutant", "operator start end replacement")

RELATIONAL = {"<": ["<=", ">"], "<=": ["<", ">="], ">": [">=", "<"], ">=": [">", "<="], "==": ["!="], "!=": ["=="]}
ARITHMETIC = {"+": ["-"], "-": ["+"], "*": ["/"], "/": ["*"], "%": ["*"]}
COMPOUND = {"+=": ["-="], "-=": ["+="], "*=": ["/="], "/=": ["*="]}
# (It names `random` too, as a student silencing the unused-parameter warning would.)
OWN_GENERATOR = "([&]() -> std::mt19937& { static_cast<void>(random); static std::mt19937 own(12345); return own; }())"


def regex_sites(text, mask, pattern, group, make):
    for m in re.finditer(pattern, text):
        s, e = m.span(group)
        if all(mask[s:e]):
            for operator, replacement in make(m):
                yield Mutant(operator, s, e, replacement)


# A declaration (left out, it would not compile): a type, then a name.
DECLARATION = re.compile(r"^(?:(?:const|static|constexpr|unsigned) )*[A-Za-z_][\w:]*(?:<.*>)?[&*]? [A-Za-z_]\w*"
                         r"(?: =|;|\{|\(|\[)")


def statement_lines(text, mask):
    """(start, end) of each line that is one whole statement ending in ';'."""
    offset = 0
    previous = "{"
    for line in text.split("\n"):
        stripped = line.strip()
        code = "".join(ch for ch, is_code in zip(line, mask[offset:offset + len(line)]) if is_code).strip()
        if code.endswith(";") and previous[-1:] in ";{}" and not re.match(r"(return|using|namespace|case|default)\b", code) \
                and not DECLARATION.match(code):
            yield offset, offset + len(line), code
        if code:
            previous = code
        elif stripped.startswith("#"):
            previous = "{"
        offset += len(line) + 1


def student_lines(text, starter):
    """The numbers (from 1) of the lines of the solution `text` that the
    student writes: those the starter does not have. The rest is given code,
    the same for every student, and not mutated."""
    ours = [" ".join(line.split()) for line in text.split("\n")]
    theirs = [" ".join(line.split()) for line in starter.split("\n")]
    given = set()
    for block in difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_matching_blocks():
        given.update(range(block.a + 1, block.a + block.size + 1))
    return {n for n in range(1, len(ours) + 1) if n not in given and ours[n - 1]}


def mutants_of(text, starter=None):
    """The mutants of `text`; with `starter`, only those on the student's lines."""
    found = all_mutants_of(text)
    if starter is None:
        return found
    lines = student_lines(text, starter)
    return [m for m in found if text.count("\n", 0, m.start) + 1 in lines]


def all_mutants_of(text):
    mask = code_mask(text)
    found = []
    add = found.extend
    # Relational operators (and so every boundary): a spaced binary operator.
    add(regex_sites(text, mask, r" (<=|>=|==|!=|<|>) ", 1,
                    lambda m: [("relational", r) for r in RELATIONAL[m.group(1)]]))
    add(regex_sites(text, mask, r"(?<=[\w)\]]) ([+\-*/%]) (?=[\w(!])", 1,
                    lambda m: [("arithmetic", r) for r in ARITHMETIC[m.group(1)]]))
    add(regex_sites(text, mask, r" (\+=|-=|\*=|/=) ", 1,
                    lambda m: [("compound assignment", r) for r in COMPOUND[m.group(1)]]))
    add(regex_sites(text, mask, r"(\+\+|--)", 1,
                    lambda m: [("increment", "--" if m.group(1) == "++" else "++")]))
    add(regex_sites(text, mask, r" (&&|\|\|) ", 1,
                    lambda m: [("logical connector", "||" if m.group(1) == "&&" else "&&")]))
    add(regex_sites(text, mask, r"(!)(?=[\w(*])", 1, lambda m: [("negation removed", "")]))
    # Constants: 0, one more, one less (a suffix such as 200ms or 2UL stays).
    def constants(m):
        value = int(m.group(1))
        return [("constant", str(v)) for v in sorted({0, value + 1, value - 1}) if v != value and v >= 0]
    add(regex_sites(text, mask, r"(?<![\w.])(\d+)(?=[a-zA-Z]*\b)(?![.\d])", 1, constants))
    add(regex_sites(text, mask, r"(?<![\w.])(\d+\.\d+)(?![\w.])", 1, lambda m: [("constant", "0.0")]))
    add(regex_sites(text, mask, r"\b(break|continue)\b", 1,
                    lambda m: [("break/continue", "continue" if m.group(1) == "break" else "break")]))
    add(regex_sites(text, mask, r"\b(break;|continue;)", 1, lambda m: [("statement deleted", ";")]))
    add(regex_sites(text, mask, r"\breturn (true|false);", 1,
                    lambda m: [("return value", "false" if m.group(1) == "true" else "true")]))
    add(regex_sites(text, mask, r"\breturn ([^;{}]+);", 1,
                    lambda m: [] if m.group(1) in ("true", "false") else [("return value", "{}")]))
    add(regex_sites(text, mask, r"\b(else if)\b", 1, lambda m: [("else if -> if", "if")]))
    add(regex_sites(text, mask, r"\bstd::(min|max)\b", 1,
                    lambda m: [("min/max", "max" if m.group(1) == "min" else "min")]))
    add(regex_sites(text, mask, r"\b(double)\b", 1, lambda m: [("double -> integer", "long")]))
    # Two arguments of a call swapped (those of different types do not compile).
    add(regex_sites(text, mask, r"\w\(([\w.:>-]+(?:\[[^\]]*\])?, [\w.:>-]+(?:\[[^\]]*\])?)\)", 1,
                    lambda m: [("arguments swapped", ", ".join(reversed(m.group(1).split(", "))))]))
    # The random choices: the generator given, replaced by one of the student's own.
    add(regex_sites(text, mask, r"\w\((random)\)|, (random)\)", 0,
                    lambda m: [("own generator", m.group(0).replace("(random)", "(" + OWN_GENERATOR + ")").replace(", random)", ", " + OWN_GENERATOR + ")"))]))
    # Conditions negated.
    for m in re.finditer(r"\b(if|while) \(", text):
        opening = m.end() - 1
        if not mask[m.start()]:
            continue
        closing = matching_paren(text, mask, opening)
        if closing > 0:
            found.append(Mutant("condition negated", opening, closing + 1,
                                "(!(" + text[opening + 1:closing] + "))"))
    # Whole statements left out.
    for start, end, code in statement_lines(text, mask):
        found.append(Mutant("statement deleted", start, end, ""))
    unique, seen = [], set()
    for mutant in sorted(found, key=lambda x: (x.start, x.end, x.replacement)):
        changed = text[:mutant.start] + mutant.replacement + text[mutant.end:]
        if changed != text and changed not in seen:
            seen.add(changed)
            unique.append(mutant)
    return unique


def starter_of(folder, file):
    """The starter as committed (the working copy may hold a student's work)."""
    shown = subprocess.run(["git", "show", f"HEAD:{folder}/{file}"], cwd=ROOT, capture_output=True, text=True)
    return shown.stdout if shown.returncode == 0 else (ROOT / folder / file).read_text()


# ---------------------------------------------------------------- naming a mutant

def line_of(text, index):
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return start, len(text) if end < 0 else end


def describe(text, mutant):
    """(line number, line before, line after) of a mutant."""
    start, end = line_of(text, mutant.start)
    _, last_end = line_of(text, max(mutant.start, mutant.end - 1))
    before = text[start:last_end]
    after = text[start:mutant.start] + mutant.replacement + text[mutant.end:last_end]
    number = text.count("\n", 0, start) + 1
    return number, " ".join(before.split()), " ".join(after.split())


def read_equivalent(path):
    """EQUIVALENT's entries: {(file, before, after): why}."""
    entries = {}
    if not path.exists():
        return entries
    lines = path.read_text().split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"^- (\S+?):\d+  (.*)$", line)
        if not m or i + 2 >= len(lines):
            continue
        plus = re.match(r"^\+ (\S+?):\d+  (.*)$", lines[i + 1])
        why = re.match(r"^\s+why: (.*)$", lines[i + 2])
        if plus and why:
            key = (m.group(1), " ".join(m.group(2).split()), " ".join(plus.group(2).split()))
            entries[key] = why.group(1)
    return entries


# ---------------------------------------------------------------- grading one

def build_args(build):
    return [] if build == "build" else [f"BUILD={build}", f"BIN={build}/bin"]


Result = collections.namedtuple("Result", "lab file index operator line before after verdict requirement seconds")


def grade(lab, folder, file, index, text, mutant, deadline, work, build):
    number, before, after = describe(text, mutant)
    name = f"mutant-{lab}-{index:04d}"
    case = work / name
    shutil.rmtree(case, ignore_errors=True)
    case.mkdir(parents=True)
    changed = text[:mutant.start] + mutant.replacement + text[mutant.end:]
    (case / file).write_text(changed)
    env = dict(os.environ, GRADE_FIRST_FAIL="1", GRADE_DEADLINE=str(deadline))
    env.pop("GRADE_ONLY", None)
    started = time.monotonic()
    try:
        done = subprocess.run(["make", "--no-print-directory", lab, f"WRONG={case}", *build_args(build)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                              timeout=deadline * 20 + 300, start_new_session=True)
        log, status = done.stdout, done.returncode
    except subprocess.TimeoutExpired as e:
        log, status = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or ""), None
    seconds = time.monotonic() - started
    (work / f"{name}.log").write_text(f"{file}:{number}\n- {before}\n+ {after}\n\n{log}")
    shutil.rmtree(ROOT / build / "labs" / f"wrong-{name}", ignore_errors=True)
    shutil.rmtree(case, ignore_errors=True)
    failed = re.findall(r"^FAIL  (.*)$", log, re.M)
    if status is None:
        verdict, requirement = "timed out", "(the whole grading took too long)"
    elif not re.search(r"^score:", log, re.M):
        verdict, requirement = "did not compile", ""
    elif status == 0 and not failed:
        verdict, requirement = "survived", ""
    elif failed:
        found = log[log.find("FAIL  " + failed[0]):]
        verdict = "timed out" if re.search(r"found: did not return within", found.split("\nFAIL  ")[0]) else "killed"
        requirement = failed[0]
    else:
        verdict, requirement = "killed", "(the grader failed without naming a requirement)"
    return Result(lab, file, index, mutant.operator, number, before, after, verdict, requirement, seconds)


def sample_of(mutants, text, count):
    """A fixed sample: the `count` mutants whose description hashes lowest."""
    def key(pair):
        _, mutant = pair
        _, before, after = describe(text, mutant)
        return hashlib.sha1(f"{mutant.operator}|{before}|{after}".encode()).hexdigest()
    return sorted(sorted(enumerate(mutants), key=key)[:count])


# ---------------------------------------------------------------- the report

def percent(part, whole):
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def report(runs, equivalents, stale):
    """The report of `runs`: {lab: (run, results)}, a run being what
    saved_run() keeps (when, wall time, jobs, deadline, sample)."""
    lines = ["# Mutation testing of the labs' graders", ""]
    lines += [
        "Written by `make labs-mutants` (`labs/grader/instructor/mutants.py`). Each mutant is the reference",
        "solution of a lab's student file with one small change of the kind a careless student makes, on",
        "a line the student writes (one the starter does not have: the given code around it is the same",
        "for every student, and is not mutated); it",
        "is compiled and graded by the lab's grader, which stops at the first requirement that fails. A",
        "mutant that passes every requirement has *survived*: a mistake the grader misses, unless no",
        "behaviour can tell it from the solution; those are listed with the reason in the lab's",
        "`grader/EQUIVALENT` and counted as *equivalent*. *Killed* counts the mutants a requirement",
        "failed, *timed out* those stopped after the requirement's deadline (killed too: the grader ends",
        "with a score). The score is (killed + timed out) / (made - did not compile - equivalent).",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}. Each lab's row gives the",
        "run it comes from: its date, `--jobs` and `--deadline`, and its wall time (for labs graded in one",
        "run together, the lab's share of it: its mutants' grading times added up, divided by `--jobs`).",
        "",
        "| lab | file | made | did not compile | killed | timed out | equivalent | survived "
        "| killed of non-equivalent | run | wall time |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    total_wall = 0.0
    walls = {}
    for lab, (run, rs) in runs.items():
        count = collections.Counter(verdict(r, equivalents) for r in rs)
        compiled = len(rs) - count["did not compile"]
        non_equivalent = compiled - count["equivalent"]
        sample = f", a sample of {run['sample']}" if run["sample"] else ""
        lines.append(f"| {lab} | {rs[0].file} | {len(rs)} | {count['did not compile']} | {count['killed']} | "
                     f"{count['timed out']} | {count['equivalent']} | {count['survived']} | "
                     f"{percent(count['killed'] + count['timed out'], non_equivalent)} | "
                     f"{run['date']}, --jobs {run['jobs']} --deadline {run['deadline']}{sample} | "
                     f"{run['wall'] / 60:.1f} min |")
        # Labs graded in one run share its wall time (run_wall): counted once.
        whole_run = run.get("run_wall", run["wall"])
        walls[run["date"] + str(whole_run)] = whole_run if "run_wall" in run else run["wall"]
    total_wall = sum(walls.values())
    lines += ["", f"Wall time of every lab's mutants: {total_wall / 60:.1f} min.", ""]
    for lab, (run, rs) in runs.items():
        lines += [f"## {lab}: {rs[0].file}", ""]
        killers = collections.Counter(r.requirement for r in rs if verdict(r, equivalents) in ("killed", "timed out"))
        lines += ["| requirement | mutants it killed first |", "|---|--:|"]
        lines += [f"| {req} | {n} |" for req, n in killers.most_common()]
        lines.append("")
        operators = collections.Counter((r.operator, verdict(r, equivalents)) for r in rs)
        names = sorted({r.operator for r in rs})
        lines += ["| operator | made | did not compile | killed | timed out | equivalent | survived |",
                  "|---|--:|--:|--:|--:|--:|--:|"]
        for op in names:
            made = sum(n for (o, _), n in operators.items() if o == op)
            lines.append(f"| {op} | {made} | " + " | ".join(str(operators[(op, v)]) for v in
                         ("did not compile", "killed", "timed out", "equivalent", "survived")) + " |")
        lines.append("")
        survivors = [r for r in rs if verdict(r, equivalents) == "survived"]
        if survivors:
            lines += ["Survivors (a requirement must kill each, or EQUIVALENT must say why none can):", "", "```"]
            for r in survivors:
                lines += [f"- {r.file}:{r.line}  {r.before}", f"+ {r.file}:{r.line}  {r.after}", ""]
            lines += ["```", ""]
        else:
            lines += ["No survivor.", ""]
    if stale:
        lines += ["## EQUIVALENT entries that name no mutant (the solution changed?)", "", "```"]
        for file, before, after in stale:
            lines += [f"- {file}  {before}", f"+ {file}  {after}", ""]
        lines += ["```", ""]
    return "\n".join(lines)


def fingerprint(lab):
    """What a lab's results depend on: its solution file, its grader, the graders' main, the mutants.
    (Not EQUIVALENT: each report reads it anew.)"""
    folder, file = LABS[lab]
    digest = hashlib.sha1()
    paths = [ROOT / folder / "solution" / file, ROOT / "labs" / "grader" / "grade_main.cpp"]
    paths += sorted((ROOT / folder / "grader").glob("*.[ch]pp"))
    for path in paths:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    # ... and the mutants themselves (the starter, the operators).
    text = (ROOT / folder / "solution" / file).read_text()
    for mutant in mutants_of(text, starter_of(folder, file)):
        digest.update(("\0".join(describe(text, mutant)[1:]) + mutant.operator).encode())
    return digest.hexdigest()


def verdict(result, equivalents):
    if result.verdict == "survived" and (result.file, result.before, result.after) in equivalents:
        return "equivalent"
    return result.verdict


# ---------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(prog=PROGRAM, description="Mutation testing of the labs' graders.")
    p.add_argument("--lab", action="append", help="a lab's make target (repeatable; default: every lab)")
    p.add_argument("--sample", type=int, default=0, help="grade only a fixed sample of N mutants per file")
    p.add_argument("--jobs", type=int, default=2, help="mutants graded at once (default 2)")
    p.add_argument("--deadline", type=int, default=30, help="seconds one requirement may take (default 30)")
    p.add_argument("--report", help="write the report here (default: labs/MUTANTS.md for a whole run of every "
                                    "lab or --combine, else build/mutants/MUTANTS.md)")
    p.add_argument("--list", action="store_true", help="only list the mutants")
    p.add_argument("--build", default="build", help="the build folder (default build; its bin/ beside it)")
    p.add_argument("--only", type=int, action="append", help="grade only the mutant with this number (repeatable)")
    p.add_argument("--combine", action="store_true",
                   help="grade nothing: write labs/MUTANTS.md from the last whole run of each lab")
    args = p.parse_args()
    labs = args.lab or list(LABS)
    for lab in labs:
        if lab not in LABS:
            print(f"{PROGRAM}: '{lab}' is not a graded lab (one of: {' '.join(LABS)})", file=sys.stderr)
            return 2
    if not (ROOT / LABS[labs[0]][0] / "solution").is_dir():
        print(f"{PROGRAM}: this copy has no reference solutions (labs/*/solution/): mutants are made of them",
              file=sys.stderr)
        return 2
    work = ROOT / args.build / "mutants"
    work.mkdir(parents=True, exist_ok=True)

    todo = []
    equivalents = {}
    stale = []
    for lab in labs:
        folder, file = LABS[lab]
        text = (ROOT / folder / "solution" / file).read_text()
        mutants = mutants_of(text, starter_of(folder, file))
        chosen = sample_of(mutants, text, args.sample) if args.sample else list(enumerate(mutants))
        if args.only:
            chosen = [(i, m) for i, m in enumerate(mutants) if i in args.only]
        for index, mutant in chosen:
            todo.append((lab, folder, file, index, text, mutant))
        eq = read_equivalent(ROOT / folder / "grader" / "EQUIVALENT")
        named = {(file, *describe(text, m)[1:]) for m in mutants}
        for key, why in eq.items():
            if key[0] == file:
                equivalents[key] = why
                if key not in named:
                    stale.append(key)
        if args.list:
            for index, mutant in chosen:
                number, before, after = describe(text, mutant)
                print(f"{lab} #{index} {mutant.operator} {file}:{number}\n- {before}\n+ {after}")
    if args.list:
        print(f"{len(todo)} mutants")
        return 0
    if args.combine:
        return combine(work, equivalents, stale, Path(args.report) if args.report else ROOT / "labs" / "MUTANTS.md")

    # The graders and the solution's objects, built once before the mutants;
    # and the solution must pass, or every mutant would be "killed".
    for lab in labs:
        done = subprocess.run(["make", "--no-print-directory", "-j2", lab, "SOLUTION=1", *build_args(args.build)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        if done.returncode != 0:
            print(done.stdout[-3000:])
            print(f"{PROGRAM}: {lab} fails on its reference solution: fix that first", file=sys.stderr)
            return 1
    started = time.monotonic()
    results = []
    interactive = sys.stdout.isatty()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(grade, *item[:5], item[5], args.deadline, work, args.build) for item in todo]
        for n, future in enumerate(concurrent.futures.as_completed(futures), 1):
            r = future.result()
            results.append(r)
            v = verdict(r, equivalents)
            elapsed = time.monotonic() - started
            line = (f"[{n}/{len(todo)} {elapsed / 60:.1f} min] {r.lab} #{r.index} {r.operator} "
                    f"{r.file}:{r.line}: {v}{' by ' + r.requirement if r.requirement else ''}")
            if v == "survived" or not interactive:
                print(line, flush=True)
                if v == "survived":
                    print(f"    - {r.before}\n    + {r.after}", flush=True)
            else:
                print("\r" + line[:150].ljust(150), end="", flush=True)
    if interactive:
        print()
    wall = time.monotonic() - started
    results.sort(key=lambda r: (list(LABS).index(r.lab), r.index))
    run = {"date": time.strftime("%Y-%m-%d"), "wall": wall, "jobs": args.jobs, "deadline": args.deadline,
           "sample": args.sample}
    runs = collections.OrderedDict()
    for lab in labs:
        rs = [r for r in results if r.lab == lab]
        # Each lab's share of a run of several: its mutants' grading times added up, divided by --jobs.
        share = wall if len(labs) == 1 else sum(r.seconds for r in rs) / max(1, args.jobs)
        runs[lab] = (dict(run, wall=share, run_wall=wall), rs)
    # A whole lab's mutants are kept, so that labs/MUTANTS.md can be made of
    # the last whole run of each lab (--combine).
    if not args.sample and not args.only:
        saved = work / "results"
        saved.mkdir(exist_ok=True)
        for lab, (lab_run, rs) in runs.items():
            keep = dict(lab_run, fingerprint=fingerprint(lab), results=[r._asdict() for r in rs])
            (saved / f"{lab}.json").write_text(json.dumps(keep))
    whole = not args.lab and not args.sample and not args.only
    default = ROOT / "labs" / "MUTANTS.md" if whole else work / "MUTANTS.md"
    return finish(runs, equivalents, stale, Path(args.report) if args.report else default)


def finish(runs, equivalents, stale, out):
    text = report(runs, equivalents, stale)
    out.write_text(text + "\n")
    table = text[text.find("| lab |"):]
    print(table[:table.find("\n\n")])
    results = [r for _, rs in runs.values() for r in rs]
    survivors = [r for r in results if verdict(r, equivalents) == "survived"]
    print(f"{PROGRAM}: {len(results)} mutants, {len(survivors)} survived, report in {out}"
          + (f"; {len(stale)} EQUIVALENT entries name no mutant" if stale else ""))
    return 1 if survivors or stale else 0


def combine(work, equivalents, stale, out):
    """labs/MUTANTS.md from the last whole run of every lab, each still
    matching its solution and grader."""
    runs = collections.OrderedDict()
    for lab in LABS:
        path = work / "results" / f"{lab}.json"
        if not path.exists():
            print(f"{PROGRAM}: no whole run of {lab} yet: make {lab}-mutants", file=sys.stderr)
            return 1
        kept = json.loads(path.read_text())
        if kept["fingerprint"] != fingerprint(lab):
            print(f"{PROGRAM}: {lab}'s solution or grader changed since its run: make {lab}-mutants", file=sys.stderr)
            return 1
        runs[lab] = (kept, [Result(**r) for r in kept["results"]])
    return finish(runs, equivalents, stale, out)

if __name__ == "__main__":
    sys.exit(main())
