# formats.mk — PDF (poppler-glib) and HTML (libxml2) input for the indexer.
#
# Only indexer/pdf.c includes poppler and only indexer/html.c includes
# libxml2, so their include paths go to those two objects alone (as
# -isystem: the libraries' headers are not ours to keep -Werror-clean). The
# flags are read when a recipe runs, after tools/deps.sh has installed the
# -dev packages. Every program and test links the libraries.

FORMATS_PKGS := poppler-glib libxml-2.0
FORMATS_CFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(FORMATS_PKGS)))
FORMATS_LIBS = $(shell pkg-config --libs $(FORMATS_PKGS))

$(B)/indexer/pdf.o $(B)/indexer/html.o: CPPFLAGS += $(FORMATS_CFLAGS)
LDLIBS += $(FORMATS_LIBS)
