# hardening.mk — what `make test` runs after the plain suite (issue 5):
#
#   1. the whole suite again (unit + e2e) built with ASan+UBSan (build/san/),
#   2. the indexer and the searcher on the bundled corpus under valgrind,
#   3. every libFuzzer harness for 60 s, two at a time (mk/fuzz.mk, fuzz-ci).
#
# Each part prints how long it took. `make test SANITIZE=1` is itself the
# sanitizer run and stops after the suite. Run a part alone with
# `make test-san`, `make valgrind` or `make fuzz-ci`.

.PHONY: test-hardening test-san valgrind

ifeq ($(SANITIZE),1)
test-hardening:
	@:
else
test-hardening:
	@t=$$(date +%s); $(MAKE) --no-print-directory test-san || exit 1; \
	  echo "== test-san: $$(( $$(date +%s) - t )) s"; \
	t=$$(date +%s); $(MAKE) --no-print-directory valgrind || exit 1; \
	  echo "== valgrind: $$(( $$(date +%s) - t )) s"; \
	t=$$(date +%s); $(MAKE) --no-print-directory fuzz-ci || exit 1; \
	  echo "== fuzz-ci: $$(( $$(date +%s) - t )) s"
endif

test-san:
	@$(MAKE) --no-print-directory SANITIZE=1 build-only
	@$(MAKE) --no-print-directory SANITIZE=1 unit-test e2e-test

# valgrind runs the plain (-O2 -g) programs, not the sanitizer build, which
# valgrind cannot run. Every leak kind counts, "still reachable" included:
# with Xapian 1.4, libstemmer and zlib as Debian ships them, our code frees
# every block before exit. The one exception is third-party: poppler-glib
# (PDF input) brings GLib, GObject and pixman, whose load-time constructors
# keep type registries and caches for the life of the process.
# tests/valgrind.supp suppresses exactly those — reachable blocks allocated
# under the dynamic loader's _dl_init, before main — and says why.
# --num-callers is deep enough for such a stack to reach _dl_init.
VALGRIND := valgrind -q --leak-check=full --show-leak-kinds=all \
	--errors-for-leak-kinds=all --error-exitcode=99 --track-origins=yes \
	--num-callers=50 --suppressions=tests/valgrind.supp
VG_DB := build/valgrind/db
VG_BAD := build/valgrind/bad

valgrind: $(PROGS)
	@sh tools/deps.sh valgrind
	@rm -rf build/valgrind && mkdir -p $(VG_BAD)
	@printf '' > $(VG_BAD)/empty.txt
	@printf 'Punkt 1: Et\r\n\r\nBeslutning\r\n\r\nGodkendt \377.\r\n' > $(VG_BAD)/crlf-latin1.txt
	@printf 'REFERAT Testudvalg d. 01-01-2020\n\nPunkt 1: To\n\nPunkt 1: To igen\n\nBeslutning\n' \
	  | gzip -c | head -c 40 > $(VG_BAD)/truncated.txt.gz
	@set -e; run() { want=$$1; shift; echo "valgrind: $$*"; \
	    rc=0; $(VALGRIND) "$$@" > build/valgrind/out 2> build/valgrind/err || rc=$$?; \
	    if [ $$rc = 99 ] || grep -q '^==[0-9]*==' build/valgrind/err || [ $$rc != $$want ]; then \
	      cat build/valgrind/err; echo "valgrind: FAILED (exit $$rc, expected $$want)"; exit 1; fi; }; \
	  run 0 $(BIN)/referat-index --db $(VG_DB) corpus; \
	  run 0 $(BIN)/referat-index -v --db $(VG_DB) corpus; \
	  run 2 $(BIN)/referat-index --full --db $(VG_DB) corpus $(VG_BAD) build/valgrind/missing; \
	  run 1 $(BIN)/referat-index --full --db $(VG_DB) corpus $(VG_BAD); \
	  run 0 $(BIN)/referat-index --help; \
	  LANG=en_US.UTF-8 run 0 $(BIN)/referat-search --db $(VG_DB) --output build/valgrind/r.html budget; \
	  run 0 $(BIN)/referat-search --db $(VG_DB) sygefravær; \
	  run 0 $(BIN)/referat-search --db $(VG_DB) --decisions --format json udbud; \
	  run 0 $(BIN)/referat-search --db $(VG_DB) --limit 0 --format csv 'budget* OR "ny organisering" -anlæg'; \
	  run 0 $(BIN)/referat-search --db $(VG_DB) --format md 'titel:budget år:2015..2023'; \
	  run 0 $(BIN)/referat-search --db $(VG_DB) sygefravaer; \
	  run 1 $(BIN)/referat-search --db $(VG_DB) qqqxxyzzy; \
	  run 2 $(BIN)/referat-search --db $(VG_DB) '"unclosed'; \
	  run 0 $(BIN)/referat-search --analyze 'Langtidssygefraværet i IT-systemerne, sagsnr. 00.01.00-A00-3-17'; \
	  run 3 $(BIN)/referat-search --db build/valgrind/nodb budget
	@echo "valgrind: no errors, no leaks (every leak kind counted)"
