# room.mk - lab 05's class swarm in a lab room made of network namespaces
# (included at the end of lab.mk).
#
#   make lab05-room   (root, Linux) the handout's class swarm on a bridge of
#                     network namespaces: the instructor, six students, one
#                     behind NAT, aria2c, libtorrent and Transmission; then the
#                     same swarm over tbf links; times against D_p2p, PASS or
#                     FAIL. About a minute. Elsewhere one line says why it is
#                     skipped, and nothing is built.
.PHONY: lab05-room
lab05-room:
	@if bash $(LAB05)/room/room.sh --can-run; then \
	    $(MAKE) --no-print-directory $(BIN)/peer$(EXE) $(BIN)/tracker$(EXE) $(BIN)/make_torrent$(EXE) && \
	    bash $(LAB05)/room/room.sh $(BIN); \
	fi
