/* `bulwark test DIR|FILE...`: every scenario in a child process of its own
 * (`bulwark run FILE`), as many at once as there are cores, so one scenario
 * crashing or hanging the simulator cannot take the others with it. */
#include <dirent.h>
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

extern char **environ;

typedef struct job {
    char *file;
    char log[64]; /* the child's standard error */
    pid_t pid;
    double started;
} job;

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

static int start(job *j, const char *self, const char *build_dir)
{
    char *argv[] = {(char *)self,      "run", j->file, "--quiet", "--build-dir",
                    (char *)build_dir, NULL};
    posix_spawn_file_actions_t fa;
    snprintf(j->log, sizeof(j->log), "/tmp/bulwark-test-XXXXXX");
    int fd = mkstemp(j->log);
    if (fd < 0) {
        return -1;
    }
    close(fd);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, j->log, O_WRONLY | O_TRUNC, 0);
    j->started = now_seconds();
    int rc = posix_spawn(&j->pid, self, &fa, NULL, argv, environ);
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

static bool finish(job *j, int wstatus)
{
    char name[256], why[1024];
    double secs = now_seconds() - j->started;
    bool ok = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
    read_log(j, name, sizeof(name), why, sizeof(why));
    if (ok) {
        printf("PASS %s (%.2f s)\n", name, secs);
    } else if (WIFSIGNALED(wstatus)) {
        printf("FAIL %s: killed by signal %d\n", name, WTERMSIG(wstatus));
    } else {
        printf("FAIL %s: %s\n", name, why[0] ? why : "failed with no message");
    }
    fflush(stdout);
    unlink(j->log);
    return ok;
}

static int run_all(file_list *l, const char *self, const char *build_dir)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t width = cores > 0 ? (size_t)cores : 1, next = 0, running = 0, passed = 0;
    job *jobs = calloc(l->n + 1, sizeof(job));
    while (next < l->n || running > 0) {
        if (next < l->n && running < width) {
            jobs[next].file = l->v[next];
            if (start(&jobs[next], self, build_dir) != 0) {
                printf("FAIL %s: cannot start %s\n", l->v[next], self);
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
    free(jobs);
    return passed == l->n ? EXIT_OK : EXIT_FAILED;
}

int test_cmd(int argc, char **argv, const char *self)
{
    char build_dir[4096];
    file_list l = {0};
    default_build_dir(self, build_dir, sizeof(build_dir));
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--build-dir") == 0 && i + 1 < argc) {
            snprintf(build_dir, sizeof(build_dir), "%s", argv[++i]);
        } else {
            collect(&l, argv[i]);
        }
    }
    if (l.n == 0) {
        fprintf(stderr, "usage: bulwark test [--build-dir DIR] DIR|FILE...\n");
        return EXIT_BAD_INPUT;
    }
    qsort(l.v, l.n, sizeof(char *), by_name);
    int status = run_all(&l, self, build_dir);
    for (size_t i = 0; i < l.n; i++) {
        free(l.v[i]);
    }
    free(l.v);
    return status;
}
