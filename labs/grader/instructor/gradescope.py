#!/usr/bin/env python3
"""gradescope.py - the autograder zip of one lab, for Gradescope.

    make lab01-gradescope
    python3 labs/grader/instructor/gradescope.py --lab lab01 --out build/gradescope/lab01.zip

Gradescope's "Autograder" assignments take a zip with setup.sh and
run_autograder at its root; it unpacks it into /autograder/source. This one
holds the project (its own files, without the reference solutions and the
wrong implementations), gradescope.json (the lab, the student's files, the
requirements) and the two scripts from labs/grader/instructor/gradescope/.
The requirements are those the grader reports for the reference solution,
which is graded first: a zip is only made for a lab whose solution passes.
"""

import json
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grading  # noqa: E402

PROGRAM = "gradescope"


def main():
    p = grading.Arguments(prog=PROGRAM, description="Make the Gradescope autograder zip of one lab.")
    p.add_argument("--lab", required=True, help="the lab's make target, e.g. lab01")
    p.add_argument("--out", required=True, help="the zip to write")
    p.add_argument("--deadline", default="900", help="seconds the grading of one submission may take")
    args = p.parse_args()
    root = grading.project_root()
    try:
        files = grading.lab_files(root, args.lab)
        if not args.deadline.isdigit() or not 30 <= int(args.deadline) <= 3600:
            raise grading.UsageError(f"--deadline must be a whole number of seconds from 30 to 3600")
    except grading.UsageError as e:
        grading.fail_usage(PROGRAM, str(e))

    # The requirements, as the grader names them, from the reference solution.
    print(f"{PROGRAM}: grading the reference solution of {args.lab} for the list of requirements")
    done = grading.make(root, args.lab, "SOLUTION=1", capture_output=True)
    report = grading.parse_report(done.stdout)
    if done.returncode != 0 or report["score"] is None or report["score"] != report["max"]:
        sys.stdout.write(done.stdout[-4000:] + done.stderr[-2000:])
        print(f"{PROGRAM}: the reference solution does not pass make {args.lab} SOLUTION=1: no zip made",
              file=sys.stderr)
        sys.exit(1)
    conf = {
        "lab": args.lab,
        "files": files,
        "requirements": [t["name"] for t in report["tests"]],
        "deadline": int(args.deadline),
    }

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scripts = Path(__file__).resolve().parent / "gradescope"
    with tempfile.TemporaryDirectory() as work:
        project = Path(work) / "source"
        # What a student's code, run in the autograder, must not read: the
        # solutions and what quotes them (the mutants' report, the lines
        # found equivalent), as in the students' copy (make labs-handout).
        grading.clean_copy(root, project, leave_out={"solution", "wrong"},
                           leave_out_files={"INSTRUCTORS.md", "EQUIVALENT", "MUTANTS.md", "VERDICTS.md",
                                            "verify_wrong.sh"})
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(project.rglob("*")):
                if path.is_file():
                    z.write(path, path.relative_to(project))
            z.writestr("gradescope.json", json.dumps(conf, indent=2) + "\n")
            for name in ("setup.sh", "run_autograder"):
                info = zipfile.ZipInfo(name)
                info.external_attr = (stat.S_IFREG | 0o755) << 16  # executable once unpacked
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, (scripts / name).read_bytes())
    print(f"{PROGRAM}: {out} ({len(conf['requirements'])} requirements, the student's files: "
          f"{', '.join(Path(f).name for f in files)})")


if __name__ == "__main__":
    main()
