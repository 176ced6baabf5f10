# install.mk — `make install PREFIX=… DESTDIR=…` (issue 20).
#
#   $(DESTDIR)$(PREFIX)/bin/referat-index, referat-search   the programs (the Danish
#                                    lexicon is built into them: no data files)
#   $(DESTDIR)$(PREFIX)/share/man/man1/referat-*.1          man pages (man/)
#   $(DESTDIR)$(UNITDIR)/referat-search.service             systemd units (dist/systemd/),
#   $(DESTDIR)$(UNITDIR)/referat-shard@.service             with the installed paths
#
# DESTDIR stages the files (a package build); PREFIX is where they will run.
# Tested by tests/e2e_install.py (installed programs run, man pages pass
# groff -ww and lexgrog, units pass systemd-analyze verify).

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
MANDIR := $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
XAPIAN_TCPSRV ?= /usr/bin/xapian-tcpsrv

.PHONY: install uninstall
install: build-only
	install -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(MANDIR)/man1' '$(DESTDIR)$(UNITDIR)'
	install -m 755 $(BIN)/referat-index $(BIN)/referat-search '$(DESTDIR)$(BINDIR)/'
	install -m 644 man/referat-index.1 man/referat-search.1 '$(DESTDIR)$(MANDIR)/man1/'
	sed 's|@BINDIR@|$(BINDIR)|g' dist/systemd/referat-search.service.in \
	  > '$(DESTDIR)$(UNITDIR)/referat-search.service'
	sed 's|@XAPIAN_TCPSRV@|$(XAPIAN_TCPSRV)|g' 'dist/systemd/referat-shard@.service.in' \
	  > '$(DESTDIR)$(UNITDIR)/referat-shard@.service'

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/referat-index' '$(DESTDIR)$(BINDIR)/referat-search' \
	  '$(DESTDIR)$(MANDIR)/man1/referat-index.1' '$(DESTDIR)$(MANDIR)/man1/referat-search.1' \
	  '$(DESTDIR)$(UNITDIR)/referat-search.service' '$(DESTDIR)$(UNITDIR)/referat-shard@.service'
