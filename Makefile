# Referat — build, test and demo.
#
#   make            install missing Debian packages, build bin/referat-index and bin/referat-search
#   make demo       build, index corpus/ into ./referat.db, run two example searches
#   make test       build and run the whole test suite, then again under ASan+UBSan,
#                   valgrind and libFuzzer (mk/hardening.mk; SANITIZE=1: the ASan+UBSan suite only)
#   make serve      index corpus/ if needed and serve the web page (mk/serve.mk)
#
# Objects go to build/<variant>/ so a sanitizer build never mixes with the normal one.

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
VARIANT := san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT := -O1
else
VARIANT := rel
SANFLAGS :=
OPT := -O2
endif

B := build/$(VARIANT)
ifeq ($(VARIANT),rel)
BIN := bin
else
BIN := $(B)/bin
endif

CC ?= cc
CXX ?= g++
WARN := -Wall -Wextra -Werror -Wshadow -Wswitch-enum
CPPFLAGS := -Iinclude -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CFLAGS := -std=c11 $(OPT) -g $(WARN) -Wstrict-prototypes $(SANFLAGS) -MMD -MP
CXXFLAGS := -std=c++17 $(OPT) -g $(WARN) $(SANFLAGS) -MMD -MP
LDFLAGS := $(SANFLAGS)
LDLIBS := -lxapian -lstemmer -lz -lpthread -lm -lstdc++

LIB_SRC := $(wildcard lib/*.c) $(wildcard lib/*.cc)
IDX_SRC := $(filter-out indexer/main.c,$(wildcard indexer/*.c))
SRCH_SRC := $(filter-out searcher/main.c,$(wildcard searcher/*.c))
TEST_SRC := $(wildcard tests/test_*.c)

obj = $(patsubst %.cc,$(B)/%.o,$(patsubst %.c,$(B)/%.o,$(1)))

LIB_A := $(B)/libreferat.a
IDX_A := $(B)/libindexer.a
SRCH_A := $(B)/libsearcher.a
TESTS := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC))
PROGS := $(BIN)/referat-index $(BIN)/referat-search

.PHONY: all deps demo test unit-test e2e-test clean format
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory build-only

.PHONY: build-only
build-only: $(PROGS)

deps:
	@sh tools/deps.sh

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(LIB_A): $(call obj,$(LIB_SRC))
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

$(IDX_A): $(call obj,$(IDX_SRC))
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

$(SRCH_A): $(call obj,$(SRCH_SRC))
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/referat-index: $(B)/indexer/main.o $(IDX_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/referat-search: $(B)/searcher/main.o $(SRCH_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: $(B)/tests/%.o $(SRCH_A) $(IDX_A) $(LIB_A)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

DB ?= referat.db

demo: all
	$(BIN)/referat-index --db $(DB) corpus
	@echo
	@echo '$$ referat-search --db $(DB) sygefravær'
	@$(BIN)/referat-search --db $(DB) --limit 5 sygefravær
	@echo
	@echo '$$ referat-search --db $(DB) --decisions udbud'
	@$(BIN)/referat-search --db $(DB) --decisions --limit 5 udbud
	@echo
	@echo '$$ referat-search --db $(DB) --decisions --timeline --snippet --facets budget'
	@$(BIN)/referat-search --db $(DB) --decisions --timeline --snippet --facets budget

test: deps
	@$(MAKE) --no-print-directory build-only $(TESTS)
	@$(MAKE) --no-print-directory unit-test e2e-test
	@$(MAKE) --no-print-directory test-hardening # ASan+UBSan suite, valgrind, fuzz-ci: mk/hardening.mk

unit-test: $(TESTS)
	@fail=0; for t in $(TESTS); do \
	  echo "== $$t"; \
	  REFERAT_TESTDATA=tests/data REFERAT_CORPUS=corpus $$t || fail=1; \
	done; exit $$fail

e2e-test: $(PROGS)
	REFERAT_BIN=$(BIN) python3 -m unittest discover -s tests -p 'e2e_*.py' -v

clean:
	rm -rf build bin referat.db

format:
	clang-format -i include/referat/*.h lib/*.c lib/*.cc indexer/*.c searcher/*.c tests/*.c

-include $(shell find build -name '*.d' 2>/dev/null)

# Generated-data rules of individual modules (e.g. the compound lexicon) live in mk/*.mk.
-include mk/*.mk
