/* JUnit XML as Jenkins, GitLab and GitHub read it. */
#include <stdio.h>

#include "junit_out.h"

/* Text for an attribute value: markup escaped; control characters XML 1.0
 * cannot hold at all become '?'. */
static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&') {
            fputs("&amp;", f);
        } else if (c == '<') {
            fputs("&lt;", f);
        } else if (c == '>') {
            fputs("&gt;", f);
        } else if (c == '"') {
            fputs("&quot;", f);
        } else if (c == '\'') {
            fputs("&apos;", f);
        } else if (c == '\t' || c == '\n' || c == '\r') {
            fprintf(f, "&#%d;", c);
        } else {
            fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
        }
    }
}

static size_t count_failures(const scenario_verdict *v, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        failed += v[i].passed ? 0 : 1;
    }
    return failed;
}

static void write_case(FILE *f, const char *suite, const scenario_verdict *v)
{
    fputs("    <testcase classname=\"", f);
    put_escaped(f, suite);
    fputs("\" name=\"", f);
    put_escaped(f, v->what);
    if (v->subject[0]) {
        fputs(": ", f);
        put_escaped(f, v->subject);
    }
    if (v->passed) {
        fputs("\"/>\n", f);
        return;
    }
    fputs("\">\n      <failure message=\"", f);
    put_escaped(f, v->reason);
    fputs("\" type=\"expectation\"/>\n    </testcase>\n", f);
}

int junit_write(const char *path, const char *suite, double seconds, const scenario_verdict *v,
                size_t n)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return -1;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"", f);
    put_escaped(f, suite);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.6f\">\n", n,
            count_failures(v, n), seconds);
    for (size_t i = 0; i < n; i++) {
        write_case(f, suite, &v[i]);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    int rc = ferror(f) ? -1 : 0;
    return fclose(f) != 0 ? -1 : rc;
}
