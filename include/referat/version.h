/* version.h — Referat's version, for --version and the server's pages. */
#ifndef REFERAT_VERSION_H
#define REFERAT_VERSION_H

#define REF_VERSION "0.20"

#ifdef __cplusplus
extern "C" {
#endif

/* The Xapian library the program runs with ("1.4.22"); static. */
const char *ref_xdb_version(void);

#ifdef __cplusplus
}
#endif

#endif
