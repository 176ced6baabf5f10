# fuzz.mk — libFuzzer harnesses (tests/fuzz/*.c), built with clang.
#
#   make fuzz               run every harness FUZZ_SECONDS (default 300) each,
#                           two at a time (make -j2 fuzz to run them in parallel)
#   make fuzz-ci            every harness 60 s, two at a time: what `make test` runs
#   make fuzz-replay        run each harness once over its seeds (regressions)
#   make fuzz-<harness>     one harness, e.g. make fuzz-query FUZZ_SECONDS=30
#
# Harnesses: minutes (reader + minutes parser), analysis (tokeniser, compound
# splitter, stemmer), query (query parser + highlight matching), snippet.
#
# The library is compiled again with clang into build/fuzz/ with ASan, UBSan
# and libFuzzer's coverage (-fsanitize=fuzzer-no-link), so a harness sees the
# same code the programs run. Each harness starts from its seed corpus
# tests/fuzz/seeds/<harness>/ (read only; inputs that once crashed are kept
# there as crash-*, so every run replays them first) and grows a working
# corpus in build/fuzz/corpus/<harness>/ that later runs reuse. A crash or
# failed invariant leaves the input in build/fuzz/artifacts/ and fails make;
# the log with libFuzzer's final stats (executions, coverage) is
# build/fuzz/<harness>.log. A harness's dictionary, tests/fuzz/<harness>.dict
# (the words its parser keys on), is used when present.

FUZZ_SECONDS ?= 300
FUZZ_CC ?= clang
FUZZ_CXX ?= clang++
FB := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=c11 -O1 -g -fno-omit-frame-pointer $(WARN) -Wstrict-prototypes \
	$(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP
FUZZ_CXXFLAGS := -std=c++17 -O1 -g -fno-omit-frame-pointer $(WARN) \
	$(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP

FUZZ_HARNESSES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/*.c))
FUZZ_BINS := $(addprefix $(FB)/bin/,$(FUZZ_HARNESSES))
FUZZ_LIB_OBJ := $(patsubst %.cc,$(FB)/%.o,$(patsubst %.c,$(FB)/%.o,\
	$(LIB_SRC) $(IDX_SRC) $(SRCH_SRC))) $(FB)/lib/lexicon_blob.o

# PDF and HTML readers: their libraries' include paths (formats.mk).
$(FB)/indexer/pdf.o $(FB)/indexer/html.o: CPPFLAGS += $(FORMATS_CFLAGS)

$(FB)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

$(FB)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(CPPFLAGS) $(FUZZ_CXXFLAGS) -c $< -o $@

# The lexicon blob is data; it is the one lexicon.mk generates.
$(FB)/lib/lexicon_blob.o: lib/lexicon_blob.S $(LEXICON)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -c -DREF_LEXICON_PATH='"$(LEXICON)"' -o $@ $<

$(FB)/libreferat-fuzz.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FB)/bin/%: $(FB)/tests/fuzz/%.o $(FB)/libreferat-fuzz.a
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# Keep the harness objects make would see as intermediate.
.PRECIOUS: $(FB)/tests/fuzz/%.o

.PHONY: fuzz fuzz-ci fuzz-build fuzz-replay fuzz-deps
fuzz-deps:
	@sh tools/deps.sh clang libclang-rt-dev

fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

# One harness for FUZZ_SECONDS. -timeout flags an input slower than 10 s
# (the parsers promise linear time); -rss_limit_mb keeps two parallel runs
# within the machine. The summary line quotes libFuzzer's final stats.
fuzz-%: $(FB)/bin/%
	@mkdir -p $(FB)/corpus/$* $(FB)/artifacts
	@echo "fuzz: $* for $(FUZZ_SECONDS) s (log: $(FB)/$*.log)"
	@$(FB)/bin/$* -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=1536 \
	    -print_final_stats=1 -artifact_prefix=$(FB)/artifacts/$*- \
	    $(if $(wildcard tests/fuzz/$*.dict),-dict=tests/fuzz/$*.dict) \
	    $(FB)/corpus/$* tests/fuzz/seeds/$* > $(FB)/$*.log 2>&1 \
	  || { tail -n 60 $(FB)/$*.log; echo "fuzz: $* FAILED: input in $(FB)/artifacts/"; exit 1; }
	@echo "fuzz: $* ok: $$(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' $(FB)/$*.log \
	    | sed 's/.*: /executions /'), $$(grep -m1 -o 'stat::average_exec_per_sec: *[0-9]*' \
	    $(FB)/$*.log | sed 's/.*: *//')/s, $$(grep -o 'cov: [0-9]*' $(FB)/$*.log | tail -n1)"

fuzz: fuzz-build
	@$(MAKE) --no-print-directory -j2 $(addprefix fuzz-,$(FUZZ_HARNESSES))

fuzz-ci: fuzz-build
	@$(MAKE) --no-print-directory -j2 FUZZ_SECONDS=60 $(addprefix fuzz-,$(FUZZ_HARNESSES))

# Every seed (and every kept crash) once through its harness: seconds.
fuzz-replay: fuzz-build
	@mkdir -p $(FB)/artifacts
	@for h in $(FUZZ_HARNESSES); do \
	  $(FB)/bin/$$h -runs=0 -artifact_prefix=$(FB)/artifacts/$$h- tests/fuzz/seeds/$$h > $(FB)/$$h.replay.log 2>&1 \
	    || { tail -n 40 $(FB)/$$h.replay.log; echo "fuzz-replay: $$h FAILED"; exit 1; }; \
	  echo "fuzz-replay: $$h: $$(ls tests/fuzz/seeds/$$h | wc -l) seeds ok"; \
	done
