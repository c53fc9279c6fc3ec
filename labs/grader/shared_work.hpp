// shared_work.hpp - work that several requirements of a grader share.
//
// Each requirement runs in a process of its own (grade_main.cpp). Work
// registered here runs once, in the grader's first process, before the
// requirements start: each requirement's process is a copy of that process,
// and finds the result there. A failed check in the work ends the work, not
// the grader: then each requirement that needs it does it again itself and
// reports what went wrong. The work must end by itself (every wait in it
// with a deadline) and leave no thread running.
//
//     const bool collected_first = grading::before_requirements([] { runs(); });
#pragma once

namespace grading {

bool before_requirements(void (*work)());

}  // namespace grading
