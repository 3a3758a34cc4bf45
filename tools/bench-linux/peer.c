/* tools/bench-linux/peer.c: the Linux side of `make bench-linux`. Runs as /init of an initramfs
 * under Debian's i386 kernel, prints "peer NAME CYCLES" lines (rdtsc, medians) for the operations
 * Pagoda's `make bench` measures, "peer info/spread/error" lines, and powers the machine off.
 * Build: gcc -m32 -static -O2. It expects /exit0 (exit0.c), /exit0-bare (exit0-bare.S) and
 * /modules/order, the kernel modules that give it the IDE disk's FAT partition (all built by
 * tools/bench-linux.sh). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Samples are kept short (tenths of a millisecond on the host) and many, so that their median holds
 * on a loaded host, where QEMU loses the CPU every few milliseconds and a long sample would always
 * include the wait. */
#define PAGE           4096
#define BATCH_PAGES    32 /* pages faulted per sample */
#define FAULT_SAMPLES  201
#define FILE_PAGES     1024 /* the 4 MiB test file; samples take its 32-page windows in turn */
#define DISK_DEVICE    "/dev/sda1"
#define DISK_MOUNT     "/disk"
#define DISK_FILE      DISK_MOUNT "/peerfile.bin"
#define TMPFS_FILE     "/peerfile.bin"
#define EXEC_PATH      "/exit0" /* exit0.c: glibc, static */
#define EXEC_BARE_PATH "/exit0-bare" /* exit0-bare.S: no C library, three instructions */
#define FAULT_AROUND   "/sys/kernel/debug/fault_around_bytes"

static const char *file_path; /* the file of the file-backed figures: on the disk, else tmpfs */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Prints "peer NAME M" with M the median of the samples divided by per (operations per sample). */
static void report(const char *name, uint64_t *samples, int n, unsigned per)
{
    qsort(samples, n, sizeof *samples, compare_u64);
    printf("peer %s %llu\n", name, (unsigned long long)(samples[n / 2] / per));
    printf("peer spread %s min %llu quartiles %llu %llu max %llu (%d samples)\n", name,
           (unsigned long long)(samples[0] / per), (unsigned long long)(samples[n / 4] / per),
           (unsigned long long)(samples[3 * n / 4] / per),
           (unsigned long long)(samples[n - 1] / per), n);
}

static void fail(const char *what) { printf("peer error %s: %s\n", what, strerror(errno)); }

static void power_off(void)
{
    printf("peer end\n");
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    _exit(1);
}

static void *map_anonymous(size_t len, int prot, int flags)
{
    void *p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fail("mmap");
        power_off();
    }
    return p;
}

/* Page faults (minor, major) this process has taken so far. */
static void fault_counts(long *minor, long *major)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    *minor = u.ru_minflt;
    *major = u.ru_majflt;
}

/* Touches one byte of each of `pages` pages at p and returns the cycles; the faults the loop took
 * go to *minor and *major, so a caller can check that every page took exactly one fault. */
static uint64_t touch_pages(volatile char *p, int pages, bool write, long *minor, long *major)
{
    long minor0, major0;
    unsigned sum = 0;
    fault_counts(&minor0, &major0);
    uint64_t t0 = rdtsc();
    if (write)
        for (int k = 0; k < pages; k++)
            p[k * PAGE] = 2;
    else
        for (int k = 0; k < pages; k++)
            sum += p[k * PAGE];
    uint64_t cycles = rdtsc() - t0;
    fault_counts(minor, major);
    *minor -= minor0;
    *major -= major0;
    __asm__ volatile("" ::"r"(sum));
    return cycles;
}

/* Checks the fault counts of one sample; prints an error line once per figure. */
static bool faults_as_expected(const char *name, long minor, long want_minor, long major,
                               long want_major)
{
    if (minor == want_minor && major == want_major)
        return true;
    printf("peer error %s: %ld minor and %ld major faults, expected %ld and %ld\n", name, minor,
           major, want_minor, want_major);
    return false;
}

/* ---- null system calls: getppid through int 0x80 and through the vDSO's __kernel_vsyscall ---- */
#define SYSCALL_SAMPLES 301
#define SYSCALL_BATCH   100

static inline long getppid_int80(void)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "0"((long)SYS_getppid) : "memory", "cc");
    return r;
}

static uintptr_t vsyscall_entry; /* AT_SYSINFO: __kernel_vsyscall, sysenter on this CPU */

static inline long getppid_vdso(void)
{
    long r;
    __asm__ volatile("call *%1"
                     : "=a"(r)
                     : "m"(vsyscall_entry), "0"((long)SYS_getppid)
                     : "memory", "cc");
    return r;
}

static void bench_null_syscall(void)
{
    static uint64_t s[SYSCALL_SAMPLES];
    for (int i = 0; i < SYSCALL_SAMPLES; i++) {
        uint64_t t0 = rdtsc();
        for (int j = 0; j < SYSCALL_BATCH; j++)
            getppid_int80();
        s[i] = rdtsc() - t0;
    }
    report("null_syscall_int80_cycles", s, SYSCALL_SAMPLES, SYSCALL_BATCH);
    vsyscall_entry = getauxval(AT_SYSINFO);
    if (!vsyscall_entry) {
        printf("peer info no AT_SYSINFO: null_syscall_cycles (vDSO) not measured\n");
        return;
    }
    if (getppid_vdso() != getppid())
        printf("peer error __kernel_vsyscall getppid returned the wrong value\n");
    for (int i = 0; i < SYSCALL_SAMPLES; i++) {
        uint64_t t0 = rdtsc();
        for (int j = 0; j < SYSCALL_BATCH; j++)
            getppid_vdso();
        s[i] = rdtsc() - t0;
    }
    report("null_syscall_cycles", s, SYSCALL_SAMPLES, SYSCALL_BATCH);
}

/* ---- demand-zero faults: one write per page of a fresh private anonymous region ---- */
/* One sample: map `pages` fresh pages, write a byte to each, unmap; checks one minor fault each. */
static uint64_t demand_zero_sample(const char *name, int pages, bool *ok)
{
    long minor, major;
    volatile char *p = map_anonymous((size_t)pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    uint64_t cycles = touch_pages(p, pages, true, &minor, &major);
    munmap((void *)p, (size_t)pages * PAGE);
    if (*ok)
        *ok = faults_as_expected(name, minor, pages, major, 0);
    return cycles;
}

static void bench_demand_zero(void)
{
    static uint64_t s[FAULT_SAMPLES];
    bool ok = true;
    for (int i = 0; i < FAULT_SAMPLES; i++)
        s[i] = demand_zero_sample("demand_zero_fault_cycles", BATCH_PAGES, &ok);
    report("demand_zero_fault_cycles", s, FAULT_SAMPLES, BATCH_PAGES);
}

/* ---- demand-zero faults in a process with 10 and with 10,000 more mappings (VMAs), one page
 * each, PROT_READ and PROT_NONE in turn so that no two merge, nor merge with the read-write region
 * that faults. The parent keeps 10, a fork child adds 9,990, and the two take their samples in
 * turn, so that both see the same emulator state (TCG's costs drift after such a setup). */
#define FEW_VMAS  10
#define MANY_VMAS 10000

static int count_mappings(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    int lines = 0, c;
    if (!f)
        return -1;
    while ((c = fgetc(f)) != EOF)
        lines += c == '\n';
    fclose(f);
    return lines;
}

static void add_mappings(void **maps, int from, int to)
{
    for (int i = from; i < to; i++)
        maps[i] = map_anonymous(PAGE, i % 2 ? PROT_READ : PROT_NONE, MAP_PRIVATE);
}

/* Takes FAULT_SAMPLES samples into s, in turn with the other process: the parent samples first and
 * then waits for the child's byte on `in`; the child waits first and answers on `out`. */
static void vma_samples(const char *name, uint64_t *s, bool parent, int in, int out)
{
    bool ok = true;
    char token = 0;
    printf("peer info %s: %d mappings in the process\n", name, count_mappings());
    for (int i = 0; i < FAULT_SAMPLES; i++) {
        if (!parent && read(in, &token, 1) != 1)
            return;
        s[i] = demand_zero_sample(name, BATCH_PAGES, &ok);
        if (write(out, &token, 1) != 1 || (parent && read(in, &token, 1) != 1))
            return;
    }
}

static void bench_fault_with_vmas(void)
{
    static void *maps[MANY_VMAS];
    uint64_t *s = map_anonymous(2 * FAULT_SAMPLES * sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED);
    int to_child[2], to_parent[2];
    add_mappings(maps, 0, FEW_VMAS);
    if (pipe(to_child) != 0 || pipe(to_parent) != 0) {
        fail("pipe");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        add_mappings(maps, FEW_VMAS, MANY_VMAS);
        vma_samples("fault_10000_vmas_cycles", s + FAULT_SAMPLES, false, to_child[0], to_parent[1]);
        _exit(0);
    }
    if (pid > 0) {
        vma_samples("fault_10_vmas_cycles", s, true, to_parent[0], to_child[1]);
        waitpid(pid, NULL, 0);
        report("fault_10_vmas_cycles", s, FAULT_SAMPLES, BATCH_PAGES);
        report("fault_10000_vmas_cycles", s + FAULT_SAMPLES, FAULT_SAMPLES, BATCH_PAGES);
    }
    for (int i = 0; i < 2; i++)
        close(to_child[i]), close(to_parent[i]);
    for (int i = 0; i < FEW_VMAS; i++)
        munmap(maps[i], PAGE);
    munmap(s, 2 * FAULT_SAMPLES * sizeof *s);
}

/* ---- copy-on-write: a fork child writes pages its parent populated ---- */
#define COW_FORK_SAMPLES 101

static void bench_cow_fork(void)
{
    uint64_t *s = map_anonymous(COW_FORK_SAMPLES * sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED);
    volatile char *p = map_anonymous(BATCH_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    for (int k = 0; k < BATCH_PAGES; k++)
        p[k * PAGE] = 1;
    for (int i = 0; i < COW_FORK_SAMPLES; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            long minor, major;
            s[i] = touch_pages(p, BATCH_PAGES, true, &minor, &major);
            if (i == 0)
                faults_as_expected("cow_fault_fork_cycles", minor, BATCH_PAGES, major, 0);
            _exit(0);
        }
        if (pid < 0) {
            fail("fork");
            return;
        }
        waitpid(pid, NULL, 0);
    }
    report("cow_fault_fork_cycles", s, COW_FORK_SAMPLES, BATCH_PAGES);
    munmap((void *)p, BATCH_PAGES * PAGE);
    munmap(s, COW_FORK_SAMPLES * sizeof *s);
}

/* ---- file-backed figures ---- */

/* Maps `pages` pages of the file from page `first`; MADV_RANDOM turns read-ahead off there. */
static volatile char *map_file(int fd, int first, int pages, int prot, int flags)
{
    char *p = mmap(NULL, (size_t)pages * PAGE, prot, flags, fd, (off_t)first * PAGE);
    if (p == MAP_FAILED) {
        fail("mmap file");
        power_off();
    }
    madvise(p, (size_t)pages * PAGE, MADV_RANDOM);
    return p;
}

static bool write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return false;
    bool ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    close(fd);
    return ok;
}

/* Fault-around maps up to 16 page-cache pages per read fault; Pagoda has none, so the file figures
 * need one fault per page. Probes whether MADV_RANDOM is enough, else sets fault_around_bytes. */
static void disable_fault_around(int fd)
{
    long minor, major;
    volatile char *p = map_file(fd, 0, FILE_PAGES, PROT_READ, MAP_SHARED);
    touch_pages(p, FILE_PAGES, false, &minor, &major);
    munmap((void *)p, FILE_PAGES * PAGE);
    if (minor == FILE_PAGES) {
        printf("peer info fault-around: MADV_RANDOM alone gives one fault per page\n");
        return;
    }
    bool set = write_text(FAULT_AROUND, "4096");
    printf("peer info fault-around: MADV_RANDOM left it on (%ld faults for %d pages); %s\n", minor,
           FILE_PAGES, set ? "set fault_around_bytes to 4096 (debugfs)" : "debugfs unavailable");
}

/* Creates the test file (byte 7 everywhere) and writes it back, so that its pages are clean. */
static int create_file(void)
{
    static char buf[PAGE];
    int fd = open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fail("create the test file");
        return -1;
    }
    memset(buf, 7, sizeof buf);
    for (int k = 0; k < FILE_PAGES; k++)
        if (write(fd, buf, PAGE) != PAGE) {
            fail("write the test file");
            close(fd);
            return -1;
        }
    fsync(fd);
    return fd;
}

/* The first page of sample i's window of the file. */
static int window(int i) { return i % (FILE_PAGES / BATCH_PAGES) * BATCH_PAGES; }

/* A read fault on a page of a MAP_SHARED file view whose page is in the page cache. */
static void bench_file_fault_resident(int fd)
{
    static uint64_t s[FAULT_SAMPLES];
    bool ok = true;
    for (int i = 0; i < FAULT_SAMPLES; i++) {
        long minor, major;
        volatile char *p = map_file(fd, window(i), BATCH_PAGES, PROT_READ, MAP_SHARED);
        s[i] = touch_pages(p, BATCH_PAGES, false, &minor, &major);
        munmap((void *)p, BATCH_PAGES * PAGE);
        if (ok)
            ok = faults_as_expected("file_fault_resident_cycles", minor, BATCH_PAGES, major, 0);
    }
    report("file_fault_resident_cycles", s, FAULT_SAMPLES, BATCH_PAGES);
}

/* Copy-on-write of a file page: a MAP_PRIVATE view (NT's PAGE_WRITECOPY) is read first, which maps
 * the page-cache pages read-only, then written: each write copies the page. */
static void bench_cow_file(int fd)
{
    static uint64_t s[FAULT_SAMPLES];
    bool ok = true;
    for (int i = 0; i < FAULT_SAMPLES; i++) {
        long minor, major;
        volatile char *p =
            map_file(fd, window(i), BATCH_PAGES, PROT_READ | PROT_WRITE, MAP_PRIVATE);
        touch_pages(p, BATCH_PAGES, false, &minor, &major);
        s[i] = touch_pages(p, BATCH_PAGES, true, &minor, &major);
        munmap((void *)p, BATCH_PAGES * PAGE);
        if (ok)
            ok = faults_as_expected("cow_fault_cycles", minor, BATCH_PAGES, major, 0);
    }
    report("cow_fault_cycles", s, FAULT_SAMPLES, BATCH_PAGES);
}

/* How many of the file's pages first..first+pages-1 are in the page cache. */
static int resident_pages(int fd, int first, int pages)
{
    static unsigned char vec[FILE_PAGES];
    void *p = mmap(NULL, (size_t)pages * PAGE, PROT_READ, MAP_SHARED, fd, (off_t)first * PAGE);
    int n = 0;
    if (p == MAP_FAILED || mincore(p, (size_t)pages * PAGE, vec) != 0)
        return -1;
    for (int k = 0; k < pages; k++)
        n += vec[k] & 1;
    munmap(p, (size_t)pages * PAGE);
    return n;
}

/* A read fault that reads the page from the disk: the window's pages are dropped from the page
 * cache (POSIX_FADV_DONTNEED: they are clean and unmapped) before each sample, and mincore checks
 * it; MADV_RANDOM stops read-ahead, so every fault reads one page (one major fault each). */
#define DISK_BATCH   8
#define DISK_SAMPLES 61

static void bench_file_fault_disk(int fd)
{
    static uint64_t s[DISK_SAMPLES];
    bool ok = true;
    for (int i = 0; i < DISK_SAMPLES; i++) {
        long minor, major;
        int first = i % (FILE_PAGES / DISK_BATCH) * DISK_BATCH;
        posix_fadvise(fd, (off_t)first * PAGE, DISK_BATCH * PAGE, POSIX_FADV_DONTNEED);
        int left = resident_pages(fd, first, DISK_BATCH);
        if (left != 0) {
            printf("peer error file_fault_disk_cycles: %d pages still cached after DONTNEED\n",
                   left);
            return;
        }
        volatile char *p = map_file(fd, first, DISK_BATCH, PROT_READ, MAP_SHARED);
        s[i] = touch_pages(p, DISK_BATCH, false, &minor, &major);
        munmap((void *)p, DISK_BATCH * PAGE);
        if (ok)
            ok = faults_as_expected("file_fault_disk_cycles", minor, 0, major, DISK_BATCH);
    }
    report("file_fault_disk_cycles", s, DISK_SAMPLES, DISK_BATCH);
}

static void bench_files(bool on_disk)
{
    int fd = create_file();
    if (fd < 0)
        return;
    disable_fault_around(fd);
    bench_file_fault_resident(fd);
    bench_cow_file(fd);
    if (on_disk)
        bench_file_fault_disk(fd);
    else
        printf("peer info no disk: file_fault_disk_cycles not measured\n");
    write_text(FAULT_AROUND, "65536");
    close(fd);
    unlink(file_path);
}

/* ---- VirtualAlloc+VirtualFree's peer: mmap + munmap of 64 KiB, never touched ---- */
#define MMAP_SAMPLES 1001

static void bench_mmap_munmap(void)
{
    static uint64_t s[MMAP_SAMPLES];
    for (int i = 0; i < MMAP_SAMPLES; i++) {
        uint64_t t0 = rdtsc();
        void *p = map_anonymous(64 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE);
        munmap(p, 64 * 1024);
        s[i] = rdtsc() - t0;
    }
    report("mmap_munmap_64k_cycles", s, MMAP_SAMPLES, 1);
}

/* ---- processes: fork + _exit + waitpid, and fork + execve of a static program + waitpid ---- */
#define PROCESS_SAMPLES 101

/* One fork; the child runs the program at path, or exits at once when path is NULL. Returns the
 * cycles up to the parent's waitpid, or 0 when the child did not exit with status 0. */
static uint64_t fork_sample(const char *path)
{
    char *argv[] = {(char *)path, NULL}, *envp[] = {NULL};
    int status = -1;
    uint64_t t0 = rdtsc();
    pid_t pid = fork();
    if (pid == 0) {
        if (path)
            execve(path, argv, envp);
        _exit(path ? 127 : 0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 0;
    uint64_t cycles = rdtsc() - t0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? cycles : 0;
}

static void bench_processes(const char *path, const char *name)
{
    static uint64_t s[PROCESS_SAMPLES];
    for (int i = 0; i < PROCESS_SAMPLES; i++) {
        s[i] = fork_sample(path);
        if (!s[i]) {
            printf("peer error %s: fork, exec or the child's exit status failed\n", name);
            return;
        }
    }
    report(name, s, PROCESS_SAMPLES, 1);
}

/* ---- setup ---- */

/* With no /dev/console in the initramfs, init starts without descriptors: open the console. */
static void open_console(void)
{
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    if (fcntl(1, F_GETFD) >= 0)
        return;
    int fd = open("/dev/console", O_RDWR);
    if (fd < 0)
        return;
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2)
        close(fd);
}

/* Loads the modules /modules/order names, in that order (dependencies first). */
static void load_modules(void)
{
    char line[256], path[300];
    FILE *f = fopen("/modules/order", "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        snprintf(path, sizeof path, "/modules/%s", line);
        int fd = open(path, O_RDONLY);
        if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST))
            printf("peer error loading module %s: %s\n", line, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    fclose(f);
}

/* Mounts the FAT partition of the IDE disk, waiting up to 20 s for the device to appear. */
static bool mount_disk(void)
{
    struct timespec nap = {0, 50 * 1000 * 1000};
    struct stat st;
    for (int i = 0; i < 400 && stat(DISK_DEVICE, &st) != 0; i++)
        nanosleep(&nap, NULL);
    mkdir(DISK_MOUNT, 0755);
    if (mount(DISK_DEVICE, DISK_MOUNT, "vfat", 0, NULL) != 0) {
        fail("mount " DISK_DEVICE " (vfat)");
        return false;
    }
    return true;
}

static void print_info(bool on_disk)
{
    struct utsname u;
    uname(&u);
    printf("peer info kernel %s %s %s\n", u.release, u.version, u.machine);
    printf("peer info file figures on %s\n", on_disk ? DISK_FILE
                                                 " (FAT32 partition of the IDE disk, ata_piix)"
                                                     : TMPFS_FILE " (tmpfs: no disk)");
}

static void bench_fork_exit(void) { bench_processes(NULL, "fork_exit_wait_cycles"); }
static void bench_fork_execve(void) { bench_processes(EXEC_PATH, "fork_execve_wait_cycles"); }

static void bench_fork_execve_bare(void)
{
    bench_processes(EXEC_BARE_PATH, "fork_execve_bare_wait_cycles");
}

static bool on_disk;
static void bench_file_figures(void) { bench_files(on_disk); }

/* In the order they run (PEER_ONLY can pick others, run_benchmarks). */
static const struct {
    const char *name;
    void (*run)(void);
} benchmarks[] = {
    {"null_syscall", bench_null_syscall},
    {"demand_zero", bench_demand_zero},
    {"fault_vmas", bench_fault_with_vmas},
    {"mmap_munmap", bench_mmap_munmap},
    {"cow_fork", bench_cow_fork},
    {"files", bench_file_figures},
    {"fork_exit", bench_fork_exit},
    {"fork_execve", bench_fork_execve},
    {"fork_execve_bare", bench_fork_execve_bare},
};

/* Runs the benchmark whose name is the first len characters of name. */
static void run_benchmark(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof benchmarks / sizeof benchmarks[0]; i++)
        if (strlen(benchmarks[i].name) == len && strncmp(benchmarks[i].name, name, len) == 0) {
            benchmarks[i].run();
            return;
        }
    printf("peer error PEER_ONLY: no benchmark %.*s\n", (int)len, name);
}

/* All benchmarks in order; or PEER_ONLY=name,name... from the kernel command line, in its order. */
static void run_benchmarks(void)
{
    const char *only = getenv("PEER_ONLY");
    if (!only)
        for (size_t i = 0; i < sizeof benchmarks / sizeof benchmarks[0]; i++)
            benchmarks[i].run();
    for (const char *p = only; p && *p; p += strcspn(p, ","), p += *p == ',')
        run_benchmark(p, strcspn(p, ","));
}

int main(void)
{
    open_console();
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("peer begin\n");
    mkdir("/proc", 0755);
    mount("proc", "/proc", "proc", 0, NULL);
    mkdir("/sys", 0755);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
    /* The 686 kernel has THP=always: 4 MiB pages would hide the 4 KiB faults Pagoda takes. */
    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
    load_modules();
    on_disk = mount_disk();
    file_path = on_disk ? DISK_FILE : TMPFS_FILE;
    print_info(on_disk);
    run_benchmarks();
    if (on_disk)
        umount(DISK_MOUNT);
    power_off();
    return 0;
}
