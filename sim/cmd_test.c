/* `bulwark test DIR|FILE...`: every scenario in a child process of its own
 * (`bulwark run FILE`, or `bulwark campaign FILE` for a scenario with a
 * "campaign" key), as many at once as there are cores, so one scenario
 * crashing or hanging the simulator cannot take the others with it.
 * --junit gathers the children's JUnit files into one; --report-dir keeps
 * each child's report. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "scenario.h"

extern char **environ;

typedef struct job {
    char *file;
    char log[64];   /* the child's standard error */
    char junit[64]; /* its JUnit file, "" without --junit */
    char *suite;    /* the <testsuite> element it wrote, for --junit */
    pid_t pid;
    double started;
} job;

typedef struct test_opts {
    const char *self;
    char build_dir[4096];
    const char *junit;      /* --junit FILE.xml */
    const char *report_dir; /* --report-dir DIR */
} test_opts;

typedef struct file_list {
    char **v;
    size_t n, cap;
} file_list;

static void add_file(file_list *l, const char *path)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = realloc(l->v, l->cap * sizeof(char *));
    }
    l->v[l->n++] = strdup(path);
}

/* schema.json describes scenarios and is not one. */
static void collect(file_list *l, const char *path)
{
    struct stat st;
    DIR *d = stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(path) : NULL;
    if (d == NULL) {
        add_file(l, path);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char child[4096];
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
        if (stat(child, &st) == 0 && S_ISDIR(st.st_mode)) {
            collect(l, child);
        } else if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0 &&
                   strcmp(e->d_name, "schema.json") != 0) {
            add_file(l, child);
        }
    }
    closedir(d);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int temp_file(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/bulwark-test-XXXXXX");
    int fd = mkstemp(buf);
    if (fd < 0) {
        return -1;
    }
    close(fd);
    return 0;
}

/* A scenario with a "campaign" key runs its campaign; one that does not
 * load is handed to `run`, which says what is wrong with it. */
static bool is_campaign(const char *file, const char *build_dir)
{
    scenario s;
    char err[1024];
    if (scenario_load(file, build_dir, &s, err, sizeof(err)) != 0) {
        return false;
    }
    bool campaign = s.campaign.present;
    scenario_free(&s);
    return campaign;
}

/* --report-dir DIR: DIR/NAME.json, NAME the scenario file's base name. */
static void report_path(const test_opts *o, const char *file, char *buf, size_t len)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    n = n > 5 && strcmp(base + n - 5, ".json") == 0 ? n - 5 : n;
    snprintf(buf, len, "%s/%.*s.json", o->report_dir, (int)n, base);
}

static int start(job *j, const test_opts *o)
{
    char report[4096];
    char *argv[12] = {(char *)o->self, "run", j->file, "--build-dir", (char *)o->build_dir};
    int argc = 5;
    if (is_campaign(j->file, o->build_dir)) {
        argv[1] = "campaign";
    } else {
        argv[argc++] = "--quiet";
    }
    if (o->report_dir) {
        report_path(o, j->file, report, sizeof(report));
        argv[argc++] = "--report";
        argv[argc++] = report;
    }
    j->junit[0] = '\0';
    if (temp_file(j->log, sizeof(j->log)) != 0 ||
        (o->junit && temp_file(j->junit, sizeof(j->junit)) != 0)) {
        return -1;
    }
    if (o->junit) {
        argv[argc++] = "--junit";
        argv[argc++] = j->junit;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, j->log, O_WRONLY | O_TRUNC, 0);
    j->started = now_seconds();
    int rc = posix_spawn(&j->pid, o->self, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? 0 : -1;
}

/* The scenario's name and, if it failed, why: from the child's stderr. */
static void read_log(const job *j, char *name, size_t nlen, char *why, size_t wlen)
{
    FILE *f = fopen(j->log, "r");
    char line[1024], first[1024] = "";
    snprintf(name, nlen, "%s", j->file);
    why[0] = '\0';
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (first[0] == '\0') {
            snprintf(first, sizeof(first), "%s", line);
        }
        if (strncmp(line, "scenario:", 9) == 0) {
            sscanf(line + 9, " %255s", name);
        } else if (strncmp(line, "FAIL ", 5) == 0 && why[0] == '\0') {
            snprintf(why, wlen, "%s", line + 5);
        }
    }
    if (why[0] == '\0') {
        snprintf(why, wlen, "%s", first);
    }
    if (f != NULL) {
        fclose(f);
    }
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;
    if (f == NULL) {
        return NULL;
    }
    FILE *mem = open_memstream(&text, &len);
    char buf[4096];
    size_t n;
    while (mem != NULL && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
        fwrite(buf, 1, n, mem);
    }
    fclose(f);
    if (mem != NULL) {
        fclose(mem);
    }
    return text;
}

static void put_xml(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        const char *e = c == '&'   ? "&amp;"
                        : c == '<' ? "&lt;"
                        : c == '>' ? "&gt;"
                        : c == '"' ? "&quot;"
                                   : NULL;
        if (e != NULL) {
            fputs(e, f);
        } else {
            fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
        }
    }
}

/* The child's <testsuite> element, or one with an error testcase when it
 * wrote none (bad input, a crash). */
static void take_suite(job *j, const char *name, const char *why)
{
    char *text = read_all(j->junit);
    char *from = text ? strstr(text, "  <testsuite") : NULL;
    char *to = from ? strstr(from, "</testsuite>\n") : NULL;
    if (to != NULL) {
        to[strlen("</testsuite>\n")] = '\0';
        j->suite = strdup(from);
    } else {
        size_t len = 0;
        FILE *mem = open_memstream(&j->suite, &len);
        fputs("  <testsuite name=\"", mem);
        put_xml(mem, name);
        fputs("\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0\">\n"
              "    <testcase classname=\"",
              mem);
        put_xml(mem, name);
        fputs("\" name=\"run\">\n      <error message=\"", mem);
        put_xml(mem, why[0] ? why : "failed with no message");
        fputs("\" type=\"error\"/>\n    </testcase>\n  </testsuite>\n", mem);
        fclose(mem);
    }
    free(text);
    unlink(j->junit);
}

static bool finish(job *j, int wstatus)
{
    char name[256], why[1024];
    double secs = now_seconds() - j->started;
    bool ok = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
    read_log(j, name, sizeof(name), why, sizeof(why));
    if (ok) {
        printf("PASS %s (%.2f s)\n", name, secs);
    } else if (WIFSIGNALED(wstatus)) {
        snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(wstatus));
        printf("FAIL %s: %s\n", name, why);
    } else {
        printf("FAIL %s: %s\n", name, why[0] ? why : "failed with no message");
    }
    fflush(stdout);
    if (j->junit[0]) {
        take_suite(j, name, why);
    }
    unlink(j->log);
    return ok;
}

/* All suites in the order of the files, whatever order they finished in. */
static int write_junit(const char *path, job *jobs, size_t n)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "bulwark: cannot write JUnit XML %s\n", path);
        return -1;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs(jobs[i].suite ? jobs[i].suite : "", f);
    }
    fputs("</testsuites>\n", f);
    int rc = ferror(f) ? -1 : 0;
    return fclose(f) != 0 ? -1 : rc;
}

static int run_all(file_list *l, const test_opts *o)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t width = cores > 0 ? (size_t)cores : 1, next = 0, running = 0, passed = 0;
    job *jobs = calloc(l->n + 1, sizeof(job));
    while (next < l->n || running > 0) {
        if (next < l->n && running < width) {
            jobs[next].file = l->v[next];
            if (start(&jobs[next], o) != 0) {
                printf("FAIL %s: cannot start %s\n", l->v[next], o->self);
            } else {
                running++;
            }
            next++;
            continue;
        }
        int wstatus;
        pid_t pid = wait(&wstatus);
        for (size_t i = 0; i < next && pid > 0; i++) {
            if (jobs[i].pid == pid) {
                passed += finish(&jobs[i], wstatus);
                running--;
            }
        }
    }
    printf("%zu passed, %zu failed\n", passed, l->n - passed);
    int status = passed == l->n ? EXIT_OK : EXIT_FAILED;
    if (o->junit && write_junit(o->junit, jobs, l->n) != 0) {
        status = EXIT_BAD_INPUT;
    }
    for (size_t i = 0; i < l->n; i++) {
        free(jobs[i].suite);
    }
    free(jobs);
    return status;
}

static int parse_test_args(int argc, char **argv, test_opts *o, file_list *l)
{
    for (int i = 1; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp(argv[i], "--build-dir") == 0 && has_value) {
            snprintf(o->build_dir, sizeof(o->build_dir), "%s", argv[++i]);
        } else if (strcmp(argv[i], "--junit") == 0 && has_value) {
            o->junit = argv[++i];
        } else if (strcmp(argv[i], "--report-dir") == 0 && has_value) {
            o->report_dir = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "bulwark: bad or unknown option '%s' for test\n", argv[i]);
            return EXIT_BAD_INPUT;
        } else {
            collect(l, argv[i]);
        }
    }
    if (l->n == 0) {
        fprintf(stderr, "usage: bulwark test [--build-dir DIR] [--junit FILE.xml] "
                        "[--report-dir DIR] DIR|FILE...\n");
        return EXIT_BAD_INPUT;
    }
    if (o->report_dir && mkdir(o->report_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "bulwark: --report-dir %s: %s\n", o->report_dir, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    struct stat st; /* EEXIST also for a file: every scenario would then fail */
    if (o->report_dir && (stat(o->report_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "bulwark: --report-dir %s: not a directory\n", o->report_dir);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

int test_cmd(int argc, char **argv, const char *self)
{
    test_opts o = {.self = self};
    file_list l = {0};
    default_build_dir(self, o.build_dir, sizeof(o.build_dir));
    int status = parse_test_args(argc, argv, &o, &l);
    if (status == EXIT_OK) {
        qsort(l.v, l.n, sizeof(char *), by_name);
        status = run_all(&l, &o);
    }
    for (size_t i = 0; i < l.n; i++) {
        free(l.v[i]);
    }
    free(l.v);
    return status;
}
