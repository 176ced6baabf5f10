# shardbench.mk — `make shard-bench` (issue 20): query latency over shards
# served by xapian-tcpsrv on loopback against one local database, and the
# time to rebuild one shard against the whole (bench/shard-bench).
#
#   make shard-bench                        40 MB corpus in build/shard-bench
#   make shard-bench SHARD_BENCH_SIZE=1G    the national size

SHARD_BENCH_SIZE ?= 40M
SHARD_BENCH_DIR ?= build/shard-bench
SHARDBENCH := $(B)/bench/shardbench

$(SHARDBENCH): $(B)/bench/shardbench.o $(SRCH_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: shard-bench
shard-bench:
	@$(MAKE) --no-print-directory build-only $(SHARDBENCH)
	python3 bench/shard-bench --size $(SHARD_BENCH_SIZE) --work $(SHARD_BENCH_DIR) \
	  --bin $(BIN) --shardbench $(SHARDBENCH)
