/* tests/win32/common/tls.c: the TLS directory of a module that uses tests/win32/common/tls.h: the
 * template runs from tls_start (".tls$AAA") to tls_end (".tls$ZZZ"), with the module's ".tls$B"
 * variables between; the callbacks are the ".CRT$XLB" entries between two NULL-framed markers. */
#include "tests/win32/common/tls.h"

struct tls_directory { /* IMAGE_TLS_DIRECTORY32 */
    uint32_t start, end, index, callbacks, zero_fill, characteristics;
};

char tls_start __attribute__((section(".tls$AAA"))) = 0;
char tls_end __attribute__((section(".tls$ZZZ"))) = 0;
uint32_t _tls_index;
static const tls_callback callbacks_start __attribute__((section(".CRT$XLA"), used)) = NULL;
static const tls_callback callbacks_end __attribute__((section(".CRT$XLZ"), used)) = NULL;

const struct tls_directory _tls_used __attribute__((section(".rdata$T"), used)) = {
    (uint32_t)&tls_start,  (uint32_t)&tls_end + 1,
    (uint32_t)&_tls_index, (uint32_t)(&callbacks_start + 1),
    TLS_ZERO_FILL,         0,
};
