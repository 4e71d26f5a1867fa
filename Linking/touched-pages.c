// Preloaded by record-hot-text.sh only; never linked into TraceLab.
//
// Records which pages of the executable's code the process runs. The constructor takes execute
// permission away from the whole code mapping; the first call into a page then faults, the
// SIGSEGV handler marks that page in a byte map shared by every process of the same role (the
// file ROLE in the directory TRACELAB_TOUCHED_PAGES, one byte per page of the mapping; ROLE is
// proxy, service or collector, `cli` for every other command) and gives the page its
// permission back. Only the executable named by TRACELAB_TOUCHED_EXECUTABLE is recorded; other
// programs of the run (curl, python) load this library and do nothing. Page faults are exact where the page cache is not: the kernel reads code
// ahead several MB at a time whatever madvise says, and maps it 64 KB at a time.
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uintptr_t code_start, code_end;
static unsigned char *touched;

static void record_fault(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    uintptr_t address = (uintptr_t)info->si_addr;
    if (address >= code_start && address < code_end) {
        uintptr_t page = address & ~(uintptr_t)4095;
        touched[(page - code_start) / 4096] = 1;
        mprotect((void *)page, 4096, PROT_READ | PROT_EXEC);
        return;
    }
    // Not a recorded page: a real crash. Let it happen with the default action.
    struct sigaction fallback = {.sa_handler = SIG_DFL};
    sigaction(signal_number, &fallback, NULL);
}

__attribute__((constructor)) static void start_recording(void) {
    const char *directory = getenv("TRACELAB_TOUCHED_PAGES");
    const char *recorded = getenv("TRACELAB_TOUCHED_EXECUTABLE");
    char executable[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", executable, sizeof executable - 1);
    if (!directory || !recorded || length <= 0) return;
    executable[length] = 0;
    if (strcmp(executable, recorded) != 0) return;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return;
    char line[PATH_MAX + 256], permissions[8], path[PATH_MAX];
    unsigned long low, high;
    while (fgets(line, sizeof line, maps)) {
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &low, &high, permissions, path) == 4
            && strcmp(path, executable) == 0 && permissions[2] == 'x') {
            code_start = low;
            code_end = high;
            break;
        }
    }
    fclose(maps);
    if (!code_start) return;
    // argv[1] is the role: `tracelab proxy …`, `tracelab service …`, `tracelab collector …`.
    char arguments[256] = {0}, map_path[PATH_MAX];
    FILE *command_line = fopen("/proc/self/cmdline", "r");
    if (!command_line) return;
    size_t count = fread(arguments, 1, sizeof arguments - 1, command_line);
    fclose(command_line);
    const char *role = arguments + strnlen(arguments, count) + 1;
    if (role >= arguments + count || (strcmp(role, "proxy") && strcmp(role, "service") && strcmp(role, "collector"))) role = "cli";
    snprintf(map_path, sizeof map_path, "%s/%s", directory, role);
    size_t pages = (code_end - code_start) / 4096;
    int file = open(map_path, O_RDWR | O_CREAT, 0644);
    if (file < 0 || ftruncate(file, (off_t)pages) != 0) return;
    touched = mmap(NULL, pages, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
    close(file);
    if (touched == MAP_FAILED) return;
    struct sigaction handler = {.sa_sigaction = record_fault, .sa_flags = SA_SIGINFO | SA_NODEFER};
    sigaction(SIGSEGV, &handler, NULL);
    mprotect((void *)code_start, code_end - code_start, PROT_NONE);
}
