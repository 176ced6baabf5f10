# Fault injection (issue 18): the fail-the-Nth-allocation shim, the
# in-process loops, and `make faults`, which runs every failure point of
# every path (tests/e2e_faults.py runs a bounded sample in `make test`).
FAULT_SHIM := $(B)/tests/fault/failmalloc.so
FAULT_PATHS := $(B)/tests/fault/fault_paths

# Not sanitized itself: under ASan it forwards to ASan's allocator.
$(FAULT_SHIM): tests/fault/failmalloc.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC -O2 -g $(WARN) -o $@ $< -ldl

e2e-test: $(FAULT_SHIM) $(FAULT_PATHS)

.PHONY: faults
faults: $(PROGS) $(FAULT_SHIM) $(FAULT_PATHS)
	REFERAT_BIN=$(BIN) REFERAT_FAULT_DIR=$(B)/tests/fault REFERAT_FAULTS=every \
	  python3 -m unittest tests/e2e_faults.py -v
