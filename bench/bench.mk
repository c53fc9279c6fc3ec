# placeholder; replaced by the benchmark build
.PHONY: bench
