# serve.mk — the web front end (issue 7): `referat-search --serve` links
# libmicrohttpd (Debian's libmicrohttpd-dev, installed by tools/deps.sh), and
# `make serve` starts it on the bundled corpus.
#
#   make serve                       index corpus/ into $(DB) if needed, serve on 127.0.0.1:8080
#   make serve LISTEN=127.0.0.1:9000 another address

MHD_CFLAGS := $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS := $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
$(B)/searcher/serve.o: CPPFLAGS += $(MHD_CFLAGS)
$(BIN)/referat-search: LDLIBS += $(MHD_LIBS)

LISTEN ?= 127.0.0.1:8080

.PHONY: serve
# referat-index is incremental: on an indexed corpus it only checks that
# nothing changed. Exit 1 (a file skipped) still leaves a usable index.
serve: all
	@$(BIN)/referat-index --db $(DB) corpus || test $$? -eq 1
	@echo 'Open the URL below in a browser; Ctrl-C stops the server.'
	@$(BIN)/referat-search --serve --db $(DB) --listen $(LISTEN)
