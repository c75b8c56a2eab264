/* echo: reads a few bytes from the console and prints them back, to test
 * console_read (getnstr into a read-write allow, read-done upcall). */
#include "console.h"

#define READ_LEN 6

int main(void)
{
    char buf[READ_LEN + 1] = {0};
    printf("echo: type %d bytes\n", READ_LEN);
    int n = console_read(buf, READ_LEN);
    printf("echo: read %d bytes: [%s]\n", n, n > 0 ? buf : "");
    return 0;
}
