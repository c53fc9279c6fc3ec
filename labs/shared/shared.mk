# shared.mk - what more than one lab uses (included by labs/labs.mk before
# the labs' lab.mk), so that no lab reaches into another's folder:
#
#   sha1.*, sha1_blocks.hpp, sha1_x86.cpp   SHA-1 (lab 05's pieces and info
#                          hashes, lab 06's keys); its tests are lab 05's
#   units.*                sizes and rates as people write them ("256KiB/s"):
#                          lab 04's program, lab 05's peer and tracker
#   loss.hpp               the seeded loss of datagrams: udp_server --loss,
#                          lab 01's grader, lab 06's peers
#   plot/                  the project's plotter: SVG and line charts
#                          (lab 04, lab 05's tracker and runner, lab 06, bench/)
#
# The objects build with labs.mk's rule for labs/: $(BUILD)/labs/shared/.
LAB_SHARED := labs/shared
SHA1_OBJ   := $(BUILD)/labs/shared/sha1.o $(BUILD)/labs/shared/sha1_x86.o
UNITS_OBJ  := $(BUILD)/labs/shared/units.o

include $(LAB_SHARED)/plot/plot.mk
