/* The process console (kernel shell) on UART0: list, status, stop, start,
 * fault, terminate, boot, restart, load, kernel, help (kernel/ABI.md). */
#ifndef BULWARK_SHELL_H
#define BULWARK_SHELL_H

/* One byte typed on the console (that no process is reading). */
void shell_input(char c);
/* Runs one command line (tests). */
void shell_execute(const char *line, unsigned len);
/* The `list` output, also part of a panic dump. */
void shell_list(void);

#endif
