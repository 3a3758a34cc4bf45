/* tools/bench-linux/exit0.c: the static program the Linux peer's fork_execve_wait figure runs:
 * glibc's start-up and exit, nothing else (gcc -m32 -static -O2), as Pagoda's figure runs a whole
 * program. */
int main(void) { return 0; }
