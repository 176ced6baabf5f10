# bench.mk — `make bench`: Referat against PostgreSQL 15 (danish full-text
# search) and Xapian's omindex, on one synthetic corpus, in one table.
#
#   make bench                    100 MB corpus (generated once, kept in build/bench)
#   make bench BENCH_SIZE=10M     a quick run
#   make bench-large              1 GB
#
# It installs what it needs (PostgreSQL, xapian-omega, xapian-tools, GNU
# time) through tools/deps.sh. See bench/README.md for what is measured.

BENCH_SIZE ?= 100M
BENCH_SEED ?= 1
BENCH_QUERIES ?= 240
BENCH_DIR ?= build/bench
QBENCH := $(B)/bench/qbench
XQBENCH := $(B)/bench/xqbench

$(QBENCH): $(B)/bench/qbench.o $(SRCH_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The omindex peer's query driver: C++ against Xapian directly (a peer,
# not Referat code), so it is built here and never enters libreferat.
$(XQBENCH): bench/xqbench.cc
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 $(WARN) -o $@ $< -lxapian

.PHONY: bench bench-large bench-deps
bench-deps:
	@sh tools/deps.sh postgresql xapian-omega xapian-tools time

bench: bench-deps
	@$(MAKE) --no-print-directory build-only $(QBENCH) $(XQBENCH)
	python3 bench/run --size $(BENCH_SIZE) --seed $(BENCH_SEED) --queries $(BENCH_QUERIES) \
	  --work $(BENCH_DIR) --bin $(BIN) --qbench $(QBENCH) --xqbench $(XQBENCH)

bench-large:
	@$(MAKE) --no-print-directory bench BENCH_SIZE=1G
