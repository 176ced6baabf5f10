/* cli.c — what the two command-line programs share (cli.h). */
#include "referat/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "referat/i18n.h"

int ref_cli_close_stdout(const char *prog, int code, int fail_code)
{
    int failed = ferror(stdout);
    errno = 0;
    if (fclose(stdout) != 0)
        failed = 1;
    if (!failed)
        return code;
    fprintf(stderr, _("%s: uddata kunne ikke skrives: %s\n"), prog,
            errno ? strerror(errno) : _("skrivefejl"));
    return code == 0 ? fail_code : code;
}
