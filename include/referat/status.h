/* status.h — the status codes every Referat module returns.
 *
 * One X-macro list makes both the enum and its messages, so they cannot drift
 * (libuv's UV_ERRNO_MAP). Library code returns a ref_status and never prints or
 * exits; only a program's main() turns a status into a message and exit code. */
#ifndef REFERAT_STATUS_H
#define REFERAT_STATUS_H

#define REF_STATUS_LIST(X)                                                     \
    X(REF_OK, "success")                                                       \
    X(REF_ENOMEM, "out of memory")                                             \
    X(REF_EIO, "input/output error")                                           \
    X(REF_ENOENT, "no such file or directory")                                 \
    X(REF_EINVAL, "invalid argument")                                          \
    X(REF_EEMPTY, "file is empty")                                             \
    X(REF_EBINARY, "file is binary, not text")                                 \
    X(REF_EENCODING, "text encoding not recognised")                           \
    X(REF_ENOSTRUCTURE, "no agenda items (punkter) recognised")                \
    X(REF_ETOOBIG, "input too large")                                          \
    X(REF_EDB_LOCKED, "database is locked by another indexer")                 \
    X(REF_EDB_CORRUPT, "database is corrupt")                                  \
    X(REF_EDB_NOTFOUND, "database not found")                                  \
    X(REF_EDB_VERSION, "database format not supported")                        \
    X(REF_EDB_MODIFIED, "database changed while reading; reopen")              \
    X(REF_EDB, "database error")                                               \
    X(REF_ESHARD, "a database shard did not answer")                           \
    X(REF_EBUDGET, "the search took longer than its time budget")             \
    X(REF_EQUERY, "query not understood")                                      \
    X(REF_EINTERNAL, "internal error")

typedef enum ref_status {
#define REF_STATUS_ENUM(name, msg) name,
    REF_STATUS_LIST(REF_STATUS_ENUM)
#undef REF_STATUS_ENUM
} ref_status;

/* A static, human-readable English message for STATUS; never NULL. */
const char *ref_status_str(ref_status status);

#endif
