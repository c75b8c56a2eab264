/* bulwark: command-line front end of the simulator. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app_images.h"
#include "board.h"
#include "duration.h"
#include "commands.h"
#include "elf_load.h"
#include "machine.h"
#include "report.h"
#include "run_outputs.h"

typedef struct run_args {
    const char *board;
    const char *firmware;
    const char *duration;
    const char *uart_in;
    const char *uart_out;
    const char *trace;
    const char *vcd;
    uint64_t clock_hz;
    uint32_t flash_size;
    uint32_t ram_size;
    bool quiet;
    const char **apps; /* --app, in command-line order; room for one per argument */
    size_t num_apps;
} run_args;

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: bulwark run --board NAME --firmware FILE.elf [--app FILE.tbf ...] [options]\n"
        "       bulwark run SCENARIO.json [--report FILE.json] [--junit FILE.xml]\n"
        "                   [--trace FILE.json] [--vcd FILE.vcd] [--seed N] [--build-dir DIR]\n"
        "                   [--quiet]\n"
        "       bulwark test [--build-dir DIR] [--junit FILE.xml] [--report-dir DIR] DIR|FILE...\n"
        "       bulwark campaign SCENARIO.json [--runs N] [--seed S] [--jobs J]\n"
        "                   [--report FILE.json] [--junit FILE.xml] [--replay K] [--build-dir "
        "DIR]\n"
        "       bulwark --help | --version\n"
        "\n"
        "run options:\n"
        "  --board NAME        board description (sim64, mps2-an386, or a .json path)\n"
        "  --firmware FILE     ELF image to load (entry from the vector table at 0)\n"
        "  --app FILE.tbf      app image, repeatable: written in order from the firmware's\n"
        "                      _sapps symbol, each at a multiple of its size (rounded up to a\n"
        "                      power of two), the rest up to _eapps erased (0xFF)\n"
        "  --for DURATION      simulated time limit: 2s, 500ms, 100us, 4000cycles (default 10s)\n"
        "  --uart-in FILE      bytes fed to UART0's receiver ('-' for standard input)\n"
        "  --uart-out FILE     where UART0's output goes (default standard output)\n"
        "  --clock HZ          override the board clock (e.g. 25000000, 64M)\n"
        "  --flash-size SIZE   override the flash size (e.g. 256K)\n"
        "  --ram-size SIZE     override the RAM size (e.g. 128K)\n"
        "  --trace FILE.json   timeline of exceptions, faults, processes, UARTs, LEDs, GPIO\n"
        "                      (Chrome/Perfetto)\n"
        "  --vcd FILE.vcd      LEDs, UART0 TX and GPIO pins as a value change dump (GTKWave)\n"
        "  --quiet             no summary on standard error\n"
        "\n"
        "exit status: 0 ran to the limit or firmware exit 0; 1 firmware exit non-zero or\n"
        "lockup; 2 bad input (usage, board, ELF); 3 internal simulator error\n");
}

/* Duration -> cycles at clock hz: one syntax for --for and scenario files. */
static bool parse_duration(const char *s, uint64_t hz, uint64_t *cycles)
{
    duration d;
    if (!duration_parse(s, &d)) {
        return false;
    }
    *cycles = duration_cycles(d, hz);
    return true;
}

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "bulwark: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    return EXIT_BAD_INPUT;
}

static int parse_run(int argc, char **argv, run_args *a)
{
    static const struct option opts[] = {
        {"board", required_argument, 0, 'b'},    {"firmware", required_argument, 0, 'f'},
        {"app", required_argument, 0, 'a'},      {"for", required_argument, 0, 't'},
        {"uart-in", required_argument, 0, 'i'},  {"uart-out", required_argument, 0, 'o'},
        {"clock", required_argument, 0, 'c'},    {"flash-size", required_argument, 0, 'F'},
        {"ram-size", required_argument, 0, 'R'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},           {"trace", required_argument, 0, 'T'},
        {"vcd", required_argument, 0, 'V'},      {0, 0, 0, 0}};
    uint64_t v;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            a->board = optarg;
            break;
        case 'f':
            a->firmware = optarg;
            break;
        case 'a':
            a->apps[a->num_apps++] = optarg;
            break;
        case 't':
            a->duration = optarg;
            break;
        case 'i':
            a->uart_in = optarg;
            break;
        case 'o':
            a->uart_out = optarg;
            break;
        case 'q':
            a->quiet = true;
            break;
        case 'T':
            a->trace = optarg;
            break;
        case 'V':
            a->vcd = optarg;
            break;
        case 'h':
            usage(stdout);
            exit(EXIT_OK);
        case 'c':
            if (board_parse_frequency(optarg, &a->clock_hz) != 0) {
                return bad("--clock: '%s' is not a frequency (e.g. 64M, 25000000)", optarg);
            }
            break;
        case 'F':
        case 'R':
            if (board_parse_size(optarg, &v) != 0 || v > UINT32_MAX) {
                return bad("size '%s' is not a byte count (e.g. 64K)", optarg);
            }
            *(c == 'F' ? &a->flash_size : &a->ram_size) = (uint32_t)v;
            break;
        default:
            return bad("unknown or incomplete option '%s' (see bulwark --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return bad("unexpected argument '%s'", argv[optind]);
    }
    if (a->board == NULL || a->firmware == NULL) {
        return bad("%s", "run needs --board and --firmware (see bulwark --help)");
    }
    return EXIT_OK;
}

#define UART_IN_MAX (64u << 20)

static int feed_input(machine *m, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "bulwark: %s: %s\n", path, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    uint8_t buf[4096];
    size_t n, total = 0;
    /* all of it is read before the run: /dev/zero would take all memory */
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && (total += n) <= UART_IN_MAX) {
        machine_uart_input(m, 0, buf, n);
    }
    bool failed = ferror(f) != 0; /* a directory reads as an error, not as nothing */
    if (f != stdin) {
        fclose(f);
    }
    if (failed || total > UART_IN_MAX) {
        fprintf(stderr, "bulwark: %s: %s\n", path,
                failed ? "read error" : "larger than 64 MiB, too much UART input");
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

static int status_of(const run_result *r)
{
    switch (r->end) {
    case END_FIRMWARE_EXIT:
        return r->exit_code == 0 ? EXIT_OK : EXIT_FAILED;
    case END_LOCKUP:
        return EXIT_FAILED;
    case END_INTERNAL_ERROR:
        return EXIT_INTERNAL;
    default:
        return EXIT_OK;
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_watched(const run_args *a, machine *m, uint64_t cycles, FILE *out)
{
    char err[512];
    run_outputs outs;
    if (run_outputs_open(&outs, a->trace, a->vcd, machine_board(m), err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    run_outputs_attach(&outs, m);
    double t0 = now_seconds();
    run_result r = machine_run(m, cycles);
    double host = now_seconds() - t0;
    fflush(out);
    if (!a->quiet || r.end == END_LOCKUP || r.end == END_INTERNAL_ERROR) {
        report_summary(stderr, m, &r, host);
    }
    int status = status_of(&r);
    if (run_outputs_close(&outs, machine_cycles(m)) != 0) {
        fprintf(stderr, "bulwark: cannot write the trace or VCD file\n");
        status = status == EXIT_OK ? EXIT_BAD_INPUT : status;
    }
    return status;
}

static int simulate(const run_args *a, const board *b, const elf_image *img,
                    const app_placement *placed, FILE *out)
{
    char err[512];
    uint64_t cycles = 10 * b->clock_hz;
    if (a->duration && !parse_duration(a->duration, b->clock_hz, &cycles)) {
        return bad("--for: '%s' is not a duration (e.g. 2s, 500ms, 4000cycles)", a->duration);
    }
    machine_options opt = {.uart_out = out};
    machine *m = machine_create(b, &opt, err, sizeof(err));
    if (m == NULL) {
        fprintf(stderr, "bulwark: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    int status = machine_load(m, img, err, sizeof(err)) == 0 ? EXIT_OK : EXIT_BAD_INPUT;
    if (status != EXIT_OK) {
        fprintf(stderr, "bulwark: %s\n", err);
    } else {
        machine_reset(m);
        machine_set_apps(m, placed->start, placed->size, placed->count);
        status = a->uart_in ? feed_input(m, a->uart_in) : EXIT_OK;
    }
    if (status == EXIT_OK) {
        status = run_watched(a, m, cycles, out);
    }
    machine_destroy(m);
    return status;
}

static int run_parsed(const run_args *a)
{
    char err[512];
    board b;
    if (board_load_named(a->board, &b, err, sizeof(err)) != 0 ||
        board_override(&b, a->clock_hz, a->flash_size, a->ram_size, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    elf_image img;
    if (elf_image_load(a->firmware, &b, &img, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    app_placement placed = {.count = 0};
    if (app_images_place(&img, &b, a->apps, a->num_apps, &placed, err, sizeof(err)) != 0) {
        fprintf(stderr, "bulwark: %s\n", err);
        elf_image_free(&img);
        return EXIT_BAD_INPUT;
    }
    FILE *out = a->uart_out ? fopen(a->uart_out, "wb") : stdout;
    if (out == NULL) {
        fprintf(stderr, "bulwark: %s: %s\n", a->uart_out, strerror(errno));
        elf_image_free(&img);
        return EXIT_BAD_INPUT;
    }
    int status = simulate(a, &b, &img, &placed, out);
    if (out != stdout) {
        bool lost = ferror(out) != 0;
        lost = fclose(out) != 0 || lost; /* a full disk must not pass for a kept output */
        if (lost && status == EXIT_OK) {
            fprintf(stderr, "bulwark: cannot write %s\n", a->uart_out);
            status = EXIT_BAD_INPUT;
        }
    }
    elf_image_free(&img);
    return status;
}

static int cmd_run(int argc, char **argv)
{
    run_args a = {0};
    a.apps = calloc((size_t)argc, sizeof(*a.apps));
    if (a.apps == NULL) {
        fprintf(stderr, "bulwark: out of memory\n");
        return EXIT_INTERNAL;
    }
    int status = parse_run(argc, argv, &a);
    if (status == EXIT_OK) {
        status = run_parsed(&a);
    }
    free(a.apps);
    return status;
}

/* Children of `bulwark test` and the default build directory need a path
 * to this executable; a bare name came through PATH. */
static const char *self_path(const char *argv0)
{
    static char buf[4096];
    if (strchr(argv0, '/') != NULL) {
        return argv0;
    }
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = '\0';
    return n > 0 ? buf : argv0;
}

int main(int argc, char **argv)
{
    /* A reader of stdout that goes away (`| head`) must not kill the run
     * before its report and other files are written. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_BAD_INPUT : EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("bulwark %s\n", BULWARK_VERSION);
        return EXIT_OK;
    }
    /* a scenario file instead of options: bulwark run SCENARIO.json */
    if (strcmp(argv[1], "run") == 0 && argc > 2 && argv[2][0] != '-') {
        return scenario_cmd_run(argc - 1, argv + 1, self_path(argv[0]));
    }
    if (strcmp(argv[1], "run") == 0) {
        return cmd_run(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "campaign") == 0) {
        return campaign_cmd(argc - 1, argv + 1, self_path(argv[0]));
    }
    if (strcmp(argv[1], "test") == 0) {
        return test_cmd(argc - 1, argv + 1, self_path(argv[0]));
    }
    fprintf(stderr, "bulwark: unknown command '%s' (see bulwark --help)\n", argv[1]);
    return EXIT_BAD_INPUT;
}
