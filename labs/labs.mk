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
#   make labs-handout        a copy of labs/ without the solutions, for students
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

LAB_GRADER_OBJ  := $(BUILD)/labs/grader/grade_main.o
LAB_PROCESS_OBJ := $(BUILD)/tests/process/child.o $(BUILD)/tests/process/peer.o

# Every lab's grader sources (and the graders' main) need doctest.
$(BUILD)/labs/%.o: labs/%.cpp | doctest
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

include $(wildcard labs/*/lab.mk)

.PHONY: labs-verify labs-handout FORCE $(LABS)
FORCE:

labs-verify: all
	@status=0; \
	for lab in $(LABS); do \
	  echo "== $$lab: the reference solution must pass"; \
	  if $(MAKE) --no-print-directory $$lab SOLUTION=1; then echo "ok: $$lab passes on its solution"; \
	  else echo "labs-verify: $$lab FAILS on its solution" >&2; status=1; fi; \
	  echo "== $$lab: the untouched starter must fail"; \
	  mkdir -p $(BUILD)/labs; \
	  if $(MAKE) --no-print-directory $$lab STARTER=1 >$(BUILD)/labs/$$lab-starter.log 2>&1; then \
	    cat $(BUILD)/labs/$$lab-starter.log; echo "labs-verify: $$lab PASSES on the starter: it checks nothing" >&2; status=1; \
	  elif ! grep -q '^score:' $(BUILD)/labs/$$lab-starter.log; then \
	    cat $(BUILD)/labs/$$lab-starter.log; echo "labs-verify: the $$lab starter does not build or its grader did not run" >&2; status=1; \
	  else grep -E '^(PASS|FAIL|score)' $(BUILD)/labs/$$lab-starter.log | sed 's/^/   /'; echo "ok: $$lab fails on the starter"; fi; \
	done; \
	if ! bash labs/grader/verify_wrong.sh "$(MAKE)" $(BUILD)/labs; then status=1; fi; \
	if [ $$status = 0 ]; then echo "labs-verify: $(words $(LABS)) labs, each passes on its solution and fails on its starter; every wrong implementation fails"; fi; \
	exit $$status

labs-handout:
	@rm -rf $(BUILD)/labs-handout && mkdir -p $(BUILD)/labs-handout
	@git archive HEAD labs | tar -x -C $(BUILD)/labs-handout 2>/dev/null || cp -r labs $(BUILD)/labs-handout/
	@find $(BUILD)/labs-handout -type d \( -name solution -o -name wrong \) -prune -exec rm -rf {} +
	@echo "labs without solutions: $(BUILD)/labs-handout/labs (hand this out with the rest of the project)"
