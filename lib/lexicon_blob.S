/* lexicon_blob.S — embeds the generated lexicon (build/<variant>/da.lex) in
 * libreferat, so programs need no data file at run time and the pages are
 * shared, read-only, between processes. REF_LEXICON_PATH is set by
 * mk/lexicon.mk, which also makes this object depend on the blob. */
#ifndef REF_LEXICON_PATH
#error "REF_LEXICON_PATH must name the generated da.lex (see mk/lexicon.mk)"
#endif

    .section .rodata.ref_lexicon,"a",@progbits
    .balign 64
    .globl ref_lexicon_blob
    .type ref_lexicon_blob, @object
ref_lexicon_blob:
    .incbin REF_LEXICON_PATH
    .globl ref_lexicon_blob_end
    .type ref_lexicon_blob_end, @object
ref_lexicon_blob_end:
    .byte 0
    .size ref_lexicon_blob, ref_lexicon_blob_end - ref_lexicon_blob

    .section .note.GNU-stack,"",@progbits
