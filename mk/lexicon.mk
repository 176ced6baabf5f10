# lexicon.mk — build the Danish lexicon from hunspell-da and embed it.
#
#   tools/mklexicon.c ──▶ $(B)/tools/mklexicon
#   da_DK.aff + da_DK.dic + data/lexicon-curated.txt ──▶ $(B)/da.lex
#   lib/lexicon_blob.S (.incbin $(B)/da.lex) ──▶ $(B)/lib/lexicon_blob.o ──▶ libreferat.a
#
# The dictionary is not vendored: tools/deps.sh installs Debian's hunspell-da
# and the blob is regenerated whenever the generator, the curated list or the
# dictionary changes. Override LEX_AFF/LEX_DIC to build from another copy.

LEX_AFF ?= /usr/share/hunspell/da_DK.aff
LEX_DIC ?= /usr/share/hunspell/da_DK.dic
LEX_CURATED := data/lexicon-curated.txt
LEXICON := $(B)/da.lex
MKLEXICON := $(B)/tools/mklexicon

# The generator is a build tool: always optimised and never sanitised (it
# frees nothing at exit by design, which LeakSanitizer would fail).
$(MKLEXICON): tools/mklexicon.c lib/lexicon_format.h include/referat/lexicon.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 -O2 $(WARN) -Wstrict-prototypes -o $@ $<

$(LEXICON): $(MKLEXICON) $(LEX_CURATED) $(LEX_AFF) $(LEX_DIC)
	$(MKLEXICON) $(LEX_AFF) $(LEX_DIC) $(LEX_CURATED) $@

$(B)/lib/lexicon_blob.o: lib/lexicon_blob.S $(LEXICON)
	@mkdir -p $(dir $@)
	$(CC) -c -DREF_LEXICON_PATH='"$(LEXICON)"' -o $@ $<

# The main Makefile archives lib/*.c and lib/*.cc; the blob is added here,
# and the archive rule's $^ puts it into libreferat.a.
$(LIB_A): $(B)/lib/lexicon_blob.o

.PHONY: lexicon
lexicon: $(LEXICON)
