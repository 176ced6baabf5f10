# i18n.mk — the English catalogue (issue 19): the messages in the source are
# Danish; po/en.po gives them in English, compiled by msgfmt (Debian's
# gettext, installed by tools/deps.sh) into build/locale, where the programs
# look for it beside bin/ (lib/i18n.c).

LOCALE_MO := build/locale/en/LC_MESSAGES/referat.mo

build-only: $(LOCALE_MO)

$(LOCALE_MO): po/en.po
	@mkdir -p $(dir $@)
	msgfmt --check-format -o $@ $<
