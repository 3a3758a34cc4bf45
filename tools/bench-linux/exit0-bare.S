/* tools/bench-linux/exit0-bare.S: the smallest static program, for the peer's fork_execve_bare_wait
 * figure: _exit(0) through int 0x80, no C library (gcc -m32 -static -nostdlib). */
    .globl _start
_start:
    movl $1, %eax       /* __NR_exit */
    xorl %ebx, %ebx
    int $0x80
