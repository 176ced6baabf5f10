/* serve.h — referat-search --serve: the web front end (web.h) on
 * libmicrohttpd.
 *
 * A pool of server threads answers requests; each thread has its own
 * ref_web worker (its own read-only database handle, analyzer and caches),
 * made on the thread's first request, and reopens its database before each
 * request, so minutes an indexer has committed show up without a restart.
 * The raw request URI reaches web.h untouched (libmicrohttpd would decode
 * it leniently), so malformed input is refused in one place. */
#ifndef REFERAT_SERVE_H
#define REFERAT_SERVE_H

/* The whole of `referat-search --serve [OPTION]...`: parse its options
 * (it has its own --help), serve until SIGINT, SIGTERM or SIGHUP, and return the
 * exit code: 0 stopped by a signal, 2 usage, 3 database error, 4 the
 * address could not be listened on. */
int ref_serve_main(int argc, char **argv);

#endif
