/* cli.h — what the two command-line programs share at their edges.
 *
 * Library code never prints; only referat-index's and referat-search's
 * main() call these. */
#ifndef REFERAT_CLI_H
#define REFERAT_CLI_H

/* Close stdout and return the exit code: CODE when everything written
 * reached its destination, else FAIL_CODE (or CODE when it already says
 * failure), after a message naming PROG. Output that could not be written
 * fails the run, whatever came before: a full disk or a closed pipe must
 * never exit 0 with half the output (tests/e2e_faults.py). */
int ref_cli_close_stdout(const char *prog, int code, int fail_code);

#endif
