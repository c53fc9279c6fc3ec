# labs/labs.mk - building and grading the labs (included by the top-level Makefile).
#
#   make lab01               grade your code in labs/01-udp-pinger/
#   make lab01 SOLUTION=1    grade the reference solution instead
#   make lab01 WRONG=labs/01-udp-pinger/grader/wrong/NAME
#                            grade one of the wrong implementations kept next
#                            to a grader (its files replace the solution's)
#   make labs-verify         every grader passes on its solution, fails on the
#                            untouched starter (the starter as committed), and
#                            fails every wrong implementation with the
#                            requirement its EXPECT file names
#                            (LABS="lab01 lab02": only those labs)
#   make labs-mutants        mutation testing of every grader: mutants of each
#                            solution, graded; labs/MUTANTS.md says how many
#                            each grader kills (MUTANTS_ARGS="--sample 5":
#                            a fixed sample per lab, as CI runs it)
#   make lab01-mutants       the same for one lab (its report in build/mutants/)
#   make labs-handout        a copy of the project without the solutions and the
#                            instructors' notes and tools, for students, made of
#                            the last commit: it stops while labs/ has changes
#                            not committed (LABS_HANDOUT_DIRTY=1: without them)
#   make labs-grade LAB=lab01 SUBMISSIONS=DIR [JOBS=N] [DEADLINE=S] [OUT=DIR]
#                            grade a folder of submissions, one folder per
#                            student, each in a clean copy of the project:
#                            OUT/grades.csv and a log per student
#   make lab01-gradescope    the autograder zip of lab 01 for Gradescope
#                            ($(BUILD)/gradescope/lab01.zip; the same for every lab)
#
# labs/INSTRUCTORS.md says more about all of these.
#
# Each lab folder has a lab.mk that adds its name to LABS and defines the rule
# for its name. What a lab.mk can use:
#   $(LAB_VARIANT)            student | solution | starter | wrong-NAME
#   $(call lab_src,DIR,FILE)  the FILE of DIR for this variant: DIR/FILE (the
#                             student's), DIR/solution/FILE, the committed
#                             starter DIR/FILE, or the wrong implementation's
#                             (its FILE, or the solution's with its FILE.patch)
#   $(LAB_OUT)/NN             where to put the lab's binaries for this variant
#   $(LAB_GRADER_OBJ)         the graders' main() and PASS/FAIL reporter
#   $(LAB_PROCESS_OBJ)        tests/process helpers (start programs, raw peers)
#   $(COMMON_OBJ)             the socket wrapper
# and what a lab.mk sets for batch grading and Gradescope:
#   LAB_FILES_labNN           the student's files of the lab, e.g.
#                             LAB_FILES_lab01 := labs/01-udp-pinger/pinger.cpp

LAB_VARIANT := $(if $(WRONG),wrong-$(notdir $(patsubst %/,%,$(WRONG))),$(if $(SOLUTION),solution,$(if $(STARTER),starter,student)))
LAB_OUT     := $(BUILD)/labs/$(LAB_VARIANT)
LABS        :=

lab_src = $(if $(WRONG),$(call wrong_src,$(1),$(2)),$(if $(SOLUTION),$(1)/solution/$(2),$(if $(STARTER),$(BUILD)/labs/pristine/$(1)/$(2),$(1)/$(2))))

# A wrong implementation keeps, for each file it changes, either the whole
# file or a patch of the solution's (FILE.patch: the patch is the mistake,
# and nothing else is copied); its other files are the solution's.
wrong_src = $(if $(wildcard $(WRONG)/$(2).patch),$(LAB_OUT)/src/$(1)/$(2),$(if $(wildcard $(WRONG)/$(2)),$(WRONG)/$(2),$(1)/solution/$(2)))
$(LAB_OUT)/src/%: FORCE
	@mkdir -p $(dir $@)
	@patch -s -o $@.tmp $(dir $*)solution/$(notdir $*) $(WRONG)/$(notdir $*).patch && \
	  { cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@; }

# The starter as committed, whatever a student has done to the working copy
# (outside a git checkout: the file as it is).
$(BUILD)/labs/pristine/%: FORCE
	@mkdir -p $(dir $@)
	@git show HEAD:$* > $@.tmp 2>/dev/null || cp $* $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@

# The student's files are compiled with the standard library's own checks:
# an index past the end of a vector, a string or a string_view stops the
# program with a message (then the grader says it crashed, and where to
# look) instead of reading whatever lies there.
LAB_STUDENT_FLAGS := -D_GLIBCXX_ASSERTIONS

LAB_GRADER_OBJ  := $(BUILD)/labs/grader/grade_main.o
LAB_PROCESS_OBJ := $(BUILD)/tests/process/child.o $(BUILD)/tests/process/peer.o

# Every lab's grader sources (and the graders' main) need doctest.
$(BUILD)/labs/%.o: labs/%.cpp | doctest
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

include labs/shared/shared.mk
include $(wildcard labs/*/lab.mk)

.PHONY: labs-verify labs-handout labs-grade lab-files FORCE $(LABS) $(LABS:%=%-gradescope)
FORCE:

# A copy made by labs-handout has no solution/ folders. There, what needs them
# is for instructors only, and says so instead of failing on a missing file
# (or, for STARTER=1, quietly grading the student's own file).
LAB_HANDOUT_COPY := $(if $(wildcard labs/*/solution),,yes)
ifeq ($(LAB_HANDOUT_COPY),yes)
ifneq ($(SOLUTION)$(STARTER)$(WRONG),)
$(error $(if $(SOLUTION),SOLUTION=1 grades the reference solution,$(if $(STARTER),STARTER=1 grades the starter as the instructors committed it,WRONG= grades one of the instructors' wrong implementations)): that is for instructors, and this copy of the labs has no solution/ folders (they stay with the instructors). To grade your own work: make labNN, with nothing after it)
endif
LAB_INSTRUCTOR_GOALS := $(filter labs-verify labs-handout labs-grade labs-mutants %-gradescope %-mutants,$(MAKECMDGOALS))
ifneq ($(LAB_INSTRUCTOR_GOALS),)
$(error make $(firstword $(LAB_INSTRUCTOR_GOALS)) is for instructors: it needs the reference solutions (labs/*/solution/), which this copy of the labs leaves out)
endif
endif

# The student's files of one lab: make lab-files LAB=lab01
lab-files:
	@$(if $(LAB_FILES_$(LAB)),echo $(LAB_FILES_$(LAB)),echo "make lab-files: LAB=$(LAB) is not a lab with student files (one of: $(foreach l,$(LABS),$(if $(LAB_FILES_$(l)),$(l))))" >&2; exit 2)

labs-verify: all
	@status=0; \
	for lab in $(LABS); do \
	  echo "== $$lab: the reference solution must pass"; \
	  if $(MAKE) -j2 --no-print-directory $$lab SOLUTION=1; then echo "ok: $$lab passes on its solution"; \
	  else echo "labs-verify: $$lab FAILS on its solution" >&2; status=1; fi; \
	  echo "== $$lab: the untouched starter must fail"; \
	  mkdir -p $(BUILD)/labs; \
	  if $(MAKE) -j2 --no-print-directory $$lab STARTER=1 >$(BUILD)/labs/$$lab-starter.log 2>&1; then \
	    cat $(BUILD)/labs/$$lab-starter.log; echo "labs-verify: $$lab PASSES on the starter: it checks nothing" >&2; status=1; \
	  elif ! grep -q '^score:' $(BUILD)/labs/$$lab-starter.log; then \
	    cat $(BUILD)/labs/$$lab-starter.log; echo "labs-verify: the $$lab starter does not build or its grader did not run" >&2; status=1; \
	  else grep -E '^(PASS|FAIL|score)' $(BUILD)/labs/$$lab-starter.log | sed 's/^/   /'; echo "ok: $$lab fails on the starter"; fi; \
	done; \
	if ! bash labs/grader/verify_wrong.sh "$(MAKE) -j2" $(BUILD)/labs "$(LABS)"; then status=1; fi; \
	if [ $$status = 0 ]; then echo "labs-verify: $(words $(LABS)) labs, each passes on its solution and fails on its starter; every wrong implementation fails"; fi; \
	exit $$status

# The project for students: no solution/ folders, no wrong implementations,
# no instructors' notes or tools. From the last commit (git archive HEAD), or,
# outside a git checkout, from the files as they are. A change to labs/ that
# is not committed would be left out without a word: then it stops, naming
# the files (those the copy leaves out anyway do not count), unless
# LABS_HANDOUT_DIRTY=1 says to hand out the last commit all the same.
LAB_HANDOUT := $(BUILD)/labs-handout
LAB_HANDOUT_OMIT_DIRS  := solution wrong instructor
LAB_HANDOUT_OMIT_FILES := INSTRUCTORS.md verify_wrong.sh EQUIVALENT MUTANTS.md VERDICTS.md
lab_space := $(subst ,, )
lab_handout_either = $(subst $(lab_space),|,$(strip $(1)))
LAB_HANDOUT_OMITTED := (^|/)($(call lab_handout_either,$(LAB_HANDOUT_OMIT_DIRS)))/|(^|/)($(call lab_handout_either,$(LAB_HANDOUT_OMIT_FILES)))$$
labs-handout:
	@if git rev-parse --verify -q HEAD >/dev/null 2>&1; then \
	  changed=$$({ git diff --name-only HEAD -- labs; git ls-files --others --exclude-standard -- labs; } | \
	            grep -vE '$(LAB_HANDOUT_OMITTED)' | sort -u); \
	  if [ -n "$$changed" ]; then \
	    count=$$(echo "$$changed" | wc -l); files=$$(echo "$$changed" | head -n 8 | tr '\n' ' '); \
	    [ $$count -gt 8 ] && files="$$files(and $$((count - 8)) more: git status labs) "; \
	    if [ -z "$(LABS_HANDOUT_DIRTY)" ]; then \
	      echo "make labs-handout: the students' copy is made of the last commit, and these changes to labs/ are not committed: $${files}- commit them, or make labs-handout LABS_HANDOUT_DIRTY=1 to hand out the last commit without them" >&2; \
	      exit 2; \
	    fi; \
	    echo "make labs-handout: warning: LABS_HANDOUT_DIRTY=1: the students' copy is the last commit, without these changes to labs/: $$files" >&2; \
	  fi; \
	fi
	@rm -rf $(LAB_HANDOUT) && mkdir -p $(LAB_HANDOUT)
	@if git rev-parse --verify -q HEAD >/dev/null 2>&1; then git archive HEAD | tar -x -C $(LAB_HANDOUT); \
	 else tar -c --exclude=./$(BUILD) --exclude=./$(BIN) --exclude=./.git . | tar -x -C $(LAB_HANDOUT); fi
	@find $(LAB_HANDOUT)/labs -depth \( -type d \( -false $(LAB_HANDOUT_OMIT_DIRS:%=-o -name %) \) \
	   $(LAB_HANDOUT_OMIT_FILES:%=-o -name %) \) -exec rm -rf {} +
	@echo "the project for students, without solutions: $(LAB_HANDOUT) (hand out this folder)"

# make test checks that, in a clone it dirties (the students' copy has no such test).
LIB_TESTS += $(wildcard labs/grader/instructor/test_handout.sh)

# Mutation testing of the graders: labs/grader/instructor/mutants.py says how.
MUTANT_LABS := $(filter-out lab00,$(LABS))
.PHONY: labs-mutants $(MUTANT_LABS:%=%-mutants)
labs-mutants: all
	@python3 labs/grader/instructor/mutants.py $(MUTANTS_ARGS)
$(MUTANT_LABS:%=%-mutants): %-mutants: all
	@python3 labs/grader/instructor/mutants.py --lab $* $(MUTANTS_ARGS)

# Batch grading and Gradescope: labs/grader/instructor/ (see labs/INSTRUCTORS.md).
labs-grade:
	@[ -z "$(LAB)" ] || [ ! -d "$(SUBMISSIONS)" ] || echo "labs-grade: first the reference solution and the starter of $(LAB) are graded, in a clean copy of the project built for them (about 3 minutes on 2 cores), then each submission"
	@python3 labs/grader/instructor/grade_class.py --lab "$(LAB)" --submissions "$(SUBMISSIONS)" \
	  $(if $(OUT),--out "$(OUT)") $(if $(JOBS),--jobs "$(JOBS)") $(if $(DEADLINE),--deadline "$(DEADLINE)")

# Both grade the reference solution first (labs-grade the starter too), and
# say so at once (python3 -u: the line is not held back in a pipe's buffer).
$(LABS:%=%-gradescope): %-gradescope:
	@python3 -u labs/grader/instructor/gradescope.py --lab $* --out $(BUILD)/gradescope/$*.zip
