/* serve.c — `referat-search --serve`: web.h's pages on libmicrohttpd.
 *
 * This is the serve mode's main(): it alone prints and picks exit codes.
 * Everything about requests and pages is web.c's; this file only moves
 * bytes between sockets and ref_web workers. */
#include "referat/serve.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <microhttpd.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "referat/lexicon.h"
#include "referat/version.h"
#include "referat/web.h"

enum serve_exit {
    EXIT_STOPPED = 0, /* stopped by SIGINT, SIGTERM or SIGHUP */
    EXIT_USAGE = 2,
    EXIT_DB = 3,
    EXIT_LISTEN = 4,
};

static const char usage[] =
    "Usage: referat-search --serve [--listen ADDRESS] [--db PATH] [OPTION]...\n"
    "Serve a search page and a JSON API for minutes indexed by referat-index.\n"
    "\n"
    "Opens the database read-only and answers HTTP until stopped with Ctrl-C\n"
    "(SIGINT), SIGTERM or SIGHUP. Minutes indexed while it runs show up on the\n"
    "next request; no restart is needed.\n"
    "\n"
    "Options:\n"
    "      --listen ADDRESS   where to listen: HOST:PORT, [IPV6]:PORT or PORT\n"
    "                         (default 127.0.0.1:8080: this machine only). Port 0\n"
    "                         picks a free port; the URL printed names it.\n"
    "                         Listening beyond loopback (0.0.0.0:8080) shows the\n"
    "                         minutes to the network: there is no login.\n"
    "  -d, --db PATH          database folder (default: $REFERAT_DB, else ./referat.db)\n"
    "                         or stub file (auto PATH / remote HOST:PORT lines);\n"
    "                         repeat to serve several as one\n"
    "      --shard-timeout S  a remote shard slower than S seconds fails, named\n"
    "      --allow-partial    answer from the shards that answer; the API names the\n"
    "                         others in \"missing_shards\" (missing shards are tried\n"
    "                         again, at most once a second)\n"
    "      --time-budget S    a search that takes longer than S seconds is answered\n"
    "                         503 (default 5; Xapian stops counting at that point)\n"
    "      --max-terms N      a query of more than N terms, wildcards counted as the\n"
    "                         words they match, is answered 400 (default 1000)\n"
    "      --version          show the version and exit\n"
    "      --threads N        server threads, each with its own database handle\n"
    "                         (default 4; 1 to 64)\n"
    "      --synonyms FILE    more abbreviations/synonyms (default: $REFERAT_SYNONYMS),\n"
    "                         as for searching on the command line\n"
    "  -h, --help             show this help and exit\n"
    "\n"
    "Pages (Danish; plain HTML, no JavaScript):\n"
    "  /                      search: q (query), beslutninger=1 (decisions only),\n"
    "                         udvalg (body), fra, til (year or date), sort\n"
    "                         (relevans, dato, -dato), side (page), udfald\n"
    "                         (decision outcome), sag (journal number)\n"
    "  /punkt/ID              one punkt in full, with its meeting and a citation;\n"
    "                         q marks words; #beslutning is its own decision\n"
    "  /sag/JOURNAL           the case thread: every punkt with that journal\n"
    "                         number, oldest first, with its outcome\n"
    "  /feed.atom?q=...       Atom feed of the search's newest punkter (the\n"
    "                         search page's parameters)\n"
    "  /eksport.csv, /eksport.jsonl   the search's hits (at most 10000) as files\n"
    "  /api/search            JSON: total, suggestion, hits (the keys of\n"
    "                         --format json, source as a file name) and facets;\n"
    "                         also antal (1-100 hits) and offset\n"
    "  /api/analyze?text=...  JSON: what the analysis chain makes of the text\n"
    "Only GET and HEAD are answered (405 otherwise); bad percent-encoding or\n"
    "UTF-8 in a parameter is 400, a URI over 4096 bytes 414. On a loopback\n"
    "address only requests for localhost, 127.0.0.1 or [::1] are answered (421\n"
    "otherwise), so no web page can reach the server through DNS rebinding.\n"
    "\n"
    "Exit status: 0 stopped by a signal, 2 usage error, 3 database error,\n"
    "4 cannot listen on ADDRESS (in use, not local, not permitted).\n";

typedef struct worker {
    ref_web *web;
    struct worker *next;
} worker;

typedef struct server {
    ref_web_config config;
    ref_lexicon *lexicon;
    pthread_key_t key; /* this thread's worker */
    pthread_mutex_t lock;
    worker *workers; /* every worker, freed after the daemon stops */
    char tmpdir[PATH_MAX];
} server;

/* The calling thread's worker, made on its first request. */
static ref_web *thread_web(server *sv)
{
    worker *wk = pthread_getspecific(sv->key);
    if (wk)
        return wk->web;
    wk = calloc(1, sizeof *wk);
    char *err = NULL;
    if (!wk || ref_web_new(&sv->config, &wk->web, &err) != REF_OK) {
        fprintf(stderr, "referat-search: worker: %s\n", err ? err : "cannot open the database");
        free(err);
        free(wk);
        return NULL;
    }
    pthread_mutex_lock(&sv->lock);
    wk->next = sv->workers;
    sv->workers = wk;
    pthread_mutex_unlock(&sv->lock);
    pthread_setspecific(sv->key, wk);
    return wk->web;
}

/* A request's context. libmicrohttpd decodes the path and query itself,
 * leniently; web.c wants the raw URI to refuse what is malformed, so the
 * URI log callback, which sees it first, keeps it here. */
typedef struct request {
    int headers_seen; /* the first call only announces the request */
    char uri[];
} request;

static void *keep_raw_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    size_t n = strlen(uri);
    request *rq = malloc(sizeof *rq + n + 1);
    if (rq) {
        rq->headers_seen = 0;
        memcpy(rq->uri, uri, n + 1);
    }
    return rq;
}

static void request_done(void *cls, struct MHD_Connection *conn, void **ctx,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)conn;
    (void)code;
    free(*ctx);
    *ctx = NULL;
}

static struct MHD_Response *make_response(ref_web_response *r)
{
    if (r->fd >= 0) {
        struct MHD_Response *resp = MHD_create_response_from_fd64(r->fd_size, r->fd);
        if (resp)
            r->fd = -1; /* libmicrohttpd closes it */
        return resp;
    }
    size_t len = r->body.len;
    char *data = ref_buf_detach(&r->body);
    if (!data)
        return MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!resp)
        free(data);
    return resp;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **ctx)
{
    (void)version;
    (void)upload_data;
    server *sv = cls;
    request *rq = *ctx;
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    /* Answering a GET on the first call (headers only) makes
     * libmicrohttpd close the connection; answering on the second keeps
     * it alive. Other methods are refused at once, body unread. */
    if (rq && !rq->headers_seen && get) {
        rq->headers_seen = 1;
        return MHD_YES;
    }
    if (get && *upload_data_size) {
        *upload_data_size = 0; /* a GET with a body: the body is ignored */
        return MHD_YES;
    }
    ref_web_response r;
    ref_web_response_init(&r);
    ref_web *web = thread_web(sv);
    if (web) {
        const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
        ref_web_handle(web, method, rq ? rq->uri : url, host, &r);
    } else {
        r.status = 503;
        ref_buf_puts(&r.body, "Databasen kan ikke åbnes. Prøv igen om lidt.\n");
    }
    if (r.status >= 500)
        fprintf(stderr, "referat-search: %s %s: HTTP %u\n", method, url, r.status);
    struct MHD_Response *resp = make_response(&r);
    enum MHD_Result ret = MHD_NO;
    if (resp) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type);
        MHD_add_response_header(resp, "Content-Security-Policy", r.csp);
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        if (r.disposition[0])
            MHD_add_response_header(resp, "Content-Disposition", r.disposition);
        if (r.allow)
            MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r.allow);
        ret = MHD_queue_response(conn, r.status, resp);
        MHD_destroy_response(resp);
    }
    ref_web_response_clear(&r);
    return ret;
}

/* --- options -------------------------------------------------------------- */

typedef struct serve_opts {
    const char *listen;
    const char *db_path;
    const char **db_paths; /* every --db (argv strings; the array is ours) */
    size_t ndb_paths;
    ref_shard_opts shards;
    const char *synonyms;
    unsigned threads;
} serve_opts;

static int parse_args(int argc, char **argv, serve_opts *o)
{
    static const struct option longopts[] = {
        {"serve", no_argument, NULL, 'S'},
        {"listen", required_argument, NULL, 'l'},
        {"db", required_argument, NULL, 'd'},
        {"threads", required_argument, NULL, 't'},
        {"synonyms", required_argument, NULL, 'Y'},
        {"help", no_argument, NULL, 'h'},
        {"shard-timeout", required_argument, NULL, 'W'},
        {"allow-partial", no_argument, NULL, 'Q'},
        {"version", no_argument, NULL, 'V'},
        {"time-budget", required_argument, NULL, 'B'},
        {"max-terms", required_argument, NULL, 'M'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'S':
            break;
        case 'l':
            o->listen = optarg;
            break;
        case 'd':
            o->db_paths[o->ndb_paths++] = optarg;
            o->db_path = o->db_paths[0];
            break;
        case 'W':
            if (ref_shard_timeout_parse(optarg, &o->shards.timeout_ms) != REF_OK) {
                fprintf(stderr, "referat-search: --shard-timeout: expected seconds > 0, got '%s'\n",
                        optarg);
                return -1;
            }
            break;
        case 'Q':
            o->shards.allow_partial = 1;
            break;
        case 'B':
            if (ref_shard_timeout_parse(optarg, &o->shards.budget_ms) != REF_OK) {
                fprintf(stderr, "referat-search: --time-budget: expected seconds > 0, got '%s'\n",
                        optarg);
                return -1;
            }
            break;
        case 'M': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (!*optarg || *end || n < 1 || n > 1000000) {
                fprintf(stderr, "referat-search: --max-terms: expected 1 to 1000000, got '%s'\n",
                        optarg);
                return -1;
            }
            o->shards.max_terms = (unsigned)n;
            break;
        }
        case 'V':
            printf("referat-search (Referat) %s\nXapian %s\n", REF_VERSION, ref_xdb_version());
            return 1;
        case 't': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (!*optarg || *end || n < 1 || n > 64) {
                fprintf(stderr, "referat-search: --threads: expected 1 to 64, got '%s'\n", optarg);
                return -1;
            }
            o->threads = (unsigned)n;
            break;
        }
        case 'Y':
            o->synonyms = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return 1;
        default:
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "referat-search: --serve takes no query (got '%s'): the page asks for it\n",
                argv[optind]);
        return -1;
    }
    return 0;
}

/* ADDRESS ("HOST:PORT", "[V6]:PORT" or "PORT") as a socket address. */
static int resolve(const char *address, struct sockaddr_storage *out, socklen_t *len)
{
    char host[256], port[16];
    const char *colon = strrchr(address, ':');
    if (!colon) {
        snprintf(host, sizeof host, "127.0.0.1");
        snprintf(port, sizeof port, "%s", address);
    } else if (address[0] == '[' && colon > address && colon[-1] == ']') {
        snprintf(host, sizeof host, "%.*s", (int)(colon - address - 2), address + 1);
        snprintf(port, sizeof port, "%s", colon + 1);
    } else {
        snprintf(host, sizeof host, "%.*s", (int)(colon - address), address);
        snprintf(port, sizeof port, "%s", colon + 1);
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (!port[0] || *end || p < 0 || p > 65535 || !host[0] || strlen(address) > 200)
        return -1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV},
                    *res = NULL;
    if (getaddrinfo(host, port, &hints, &res) != 0 || !res)
        return -1;
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* 1 for 127.0.0.0/8 and ::1. */
static int is_loopback(const struct sockaddr_storage *addr)
{
    if (addr->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)addr)->sin_addr.s_addr) >> 24) == 127;
    if (addr->ss_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)addr)->sin6_addr);
    return 0;
}

/* The URL people type: the address as given, with the port bound. */
static void print_url(const struct sockaddr_storage *addr, unsigned port, const char *db)
{
    char host[INET6_ADDRSTRLEN + 2] = "";
    getnameinfo((const struct sockaddr *)addr,
                addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                            : sizeof(struct sockaddr_in),
                host, sizeof host, NULL, 0, NI_NUMERICHOST);
    int v6 = addr->ss_family == AF_INET6;
    printf("referat-search: serving %s at http://%s%s%s:%u/ (Ctrl-C stops)\n", db, v6 ? "[" : "",
           host, v6 ? "]" : "", port);
    fflush(stdout);
}

/* Remove the export folder; exports unlink themselves, but a file of an
 * export cut short may remain. */
static void remove_tmpdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[PATH_MAX + 300];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(dir);
}

static int make_tmpdir(server *sv)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(sv->tmpdir, sizeof sv->tmpdir, "%s/referat-serve-XXXXXX", base);
    if (!mkdtemp(sv->tmpdir)) {
        fprintf(stderr, "referat-search: cannot make a folder for exports in %s: %s\n", base,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* Open the database once before listening, so a wrong --db is a message
 * and exit code now rather than a 503 on every page. */
static int check_database(const server *sv)
{
    ref_web *w = NULL;
    char *err = NULL;
    ref_status st = ref_web_new(&sv->config, &w, &err);
    if (st == REF_OK) {
        ref_web_free(w);
        return 0;
    }
    fprintf(stderr, "referat-search: %s: %s%s%s%s\n", sv->config.db_path, ref_status_str(st),
            err && *err ? " (" : "", err && *err ? err : "", err && *err ? ")" : "");
    if (st == REF_EDB_NOTFOUND)
        fprintf(stderr, "referat-search: index minutes first: referat-index --db %s FOLDER\n",
                sv->config.db_path);
    free(err);
    return -1;
}

/* Descriptors kept free of connections: each worker's database handle
 * (Xapian opens a few files per table) and an export's temporary file.
 * Without the reserve, a flood of connections under a low RLIMIT_NOFILE
 * left no descriptor to open the database or an export, and every request
 * failed; with it the excess waits in the listen queue (or times out) and
 * the requests taken are answered (tests/e2e_faults.py, server). */
#define FDS_PER_WORKER 16
#define FDS_SPARE 32

static unsigned connection_limit(unsigned threads)
{
    struct rlimit rl;
    rlim_t reserve = FDS_SPARE + (rlim_t)threads * FDS_PER_WORKER;
    /* libmicrohttpd's own default, for an unlimited or large limit. */
    rlim_t limit = 1000;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        limit = rl.rlim_cur > reserve + 4 ? rl.rlim_cur - reserve : 4;
    return (unsigned)(limit < 1000 ? limit : 1000);
}

static int run(server *sv, const serve_opts *o, struct sockaddr_storage addr)
{
    /* Signals are taken by sigwait below, never by a server thread: block
     * them before the threads start (they inherit the mask). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
    unsigned max_conns = connection_limit(o->threads);
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    errno = 0;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, answer, sv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
        MHD_OPTION_CONNECTION_LIMIT, max_conns, MHD_OPTION_URI_LOG_CALLBACK, keep_raw_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "referat-search: cannot listen on %s%s%s\n", o->listen, errno ? ": " : "",
                errno ? strerror(errno) : "");
        return EXIT_LISTEN;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    print_url(&addr, info ? info->port : 0, sv->config.db_path);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "referat-search: stopping (%s)\n",
            sig == SIGINT   ? "SIGINT"
            : sig == SIGHUP ? "SIGHUP"
                            : "SIGTERM");
    MHD_stop_daemon(d);
    return EXIT_STOPPED;
}

/* Serve with the options O (parsed). */
static int serve(const serve_opts *op)
{
    serve_opts o = *op;
    struct sockaddr_storage addr;
    socklen_t addrlen = 0;
    if (resolve(o.listen, &addr, &addrlen) != 0) {
        fprintf(stderr, "referat-search: --listen %s: expected HOST:PORT, [IPV6]:PORT or PORT\n",
                o.listen);
        return EXIT_USAGE;
    }
    server sv = {.config = {.db_path = o.db_path,
                            .db_paths = o.db_paths,
                            .ndb_paths = o.ndb_paths,
                            .shards = o.shards,
                            .synonyms = o.synonyms}};
    ref_status st = ref_lexicon_open_builtin(&sv.lexicon);
    if (st != REF_OK) {
        fprintf(stderr, "referat-search: lexicon: %s\n", ref_status_str(st));
        return EXIT_DB;
    }
    sv.config.lexicon = sv.lexicon;
    if (make_tmpdir(&sv) != 0) {
        ref_lexicon_free(sv.lexicon);
        return EXIT_DB;
    }
    sv.config.tmpdir = sv.tmpdir;
    sv.config.local_hosts_only = is_loopback(&addr);
    int code = EXIT_DB;
    if (pthread_key_create(&sv.key, NULL) == 0) {
        pthread_mutex_init(&sv.lock, NULL);
        if (check_database(&sv) == 0)
            code = run(&sv, &o, addr);
        for (worker *wk = sv.workers, *next; wk; wk = next) {
            next = wk->next;
            ref_web_free(wk->web);
            free(wk);
        }
        pthread_mutex_destroy(&sv.lock);
        pthread_key_delete(sv.key);
    }
    remove_tmpdir(sv.tmpdir);
    ref_lexicon_free(sv.lexicon);
    return code;
}

int ref_serve_main(int argc, char **argv)
{
    serve_opts o = {.listen = "127.0.0.1:8080",
                    .db_path = getenv("REFERAT_DB"),
                    .synonyms = getenv("REFERAT_SYNONYMS"),
                    .threads = 4,
                    .shards = {.budget_ms = 5000, .max_terms = 1000}};
    if (!o.db_path || !*o.db_path)
        o.db_path = "referat.db";
    if (o.synonyms && !*o.synonyms)
        o.synonyms = NULL;
    o.db_paths = calloc((size_t)argc + 1, sizeof *o.db_paths);
    if (!o.db_paths)
        return EXIT_DB;
    int parsed = parse_args(argc, argv, &o);
    if (o.ndb_paths == 0)
        o.db_paths[o.ndb_paths++] = o.db_path;
    int code = EXIT_STOPPED;
    if (parsed < 0) {
        fputs("Try 'referat-search --serve --help' for more information.\n", stderr);
        code = EXIT_USAGE;
    } else if (parsed == 0) {
        code = serve(&o);
    }
    free(o.db_paths);
    return code;
}
