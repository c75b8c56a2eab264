/* hello: greets, counts a few times with a short sleep between lines, then
 * exits with 0 (crt0 turns main's return into exit). */
#include "alarm.h"
#include "console.h"

#define COUNT    5
#define PAUSE_MS 100

/* A pointer in .data (volatile, so the compiler cannot fold it away): crt0
 * must apply its relocation for the name to print. */
static const char *volatile app_name = APP_NAME;
/* A counter in .bss: crt0 must zero it. */
static unsigned lines;

int main(void)
{
    printf("Hello from %s\n", app_name);
    for (int i = 1; i <= COUNT; i++) {
        printf("%s: count %d\n", app_name, i);
        lines++;
        delay_ms(PAUSE_MS);
    }
    printf("%s: done after %u lines\n", app_name, lines);
    return 0;
}
