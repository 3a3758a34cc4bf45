/* kernel/ke/time.c: system time and KUSER_SHARED_DATA. The wall clock is read once from the CMOS
 * RTC at boot and advanced by the clock interrupt; the shared user data page (one frame, mapped
 * read-only at 0x7FFE0000 in every process) publishes tick count and times to user mode without a
 * system call. */
#include "kernel/ke/arch.h"
#include "kernel/rtl/calendar.h"
#include "kernel/ke/ke.h"
#include "kernel/ndk/ntapi.h"
#include "kernel/rtl/string.h"
#include "kernel/ke/syscall.h"
#include "kernel/ke/wait.h"
#include "mm/mm.h"

#define CMOS_INDEX      0x70
#define CMOS_DATA       0x71
#define SECONDS_PER_DAY 86400ll

static int64_t boot_system_time; /* 100 ns units since 1601-01-01 */
static int64_t tick_period; /* 100 ns units per clock tick */
static PAGODA_KUSER_SHARED_DATA *shared_data;
pfn_t ke_shared_user_data_frame;

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static int bcd(uint8_t v, bool binary) { return binary ? v : (v >> 4) * 10 + (v & 0xf); }

static int64_t read_rtc(void)
{
    for (int spin = 0; spin < 100000 && (cmos_read(0x0a) & 0x80); spin++)
        ; /* wait out an update in progress */
    uint8_t status_b = cmos_read(0x0b);
    bool binary = status_b & 0x04, h24 = status_b & 0x02;
    int sec = bcd(cmos_read(0x00), binary), min = bcd(cmos_read(0x02), binary);
    uint8_t raw_hour = cmos_read(0x04);
    int hour = bcd(raw_hour & 0x7f, binary);
    if (!h24 && (raw_hour & 0x80))
        hour = (hour % 12) + 12;
    int day = bcd(cmos_read(0x07), binary), month = bcd(cmos_read(0x08), binary);
    int year = 2000 + bcd(cmos_read(0x09), binary);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        return 0; /* no usable RTC: time starts at 1601 */
    int64_t days = rtl_days_from_civil(year, month, day) + KE_DAYS_1601_TO_1970;
    return (days * SECONDS_PER_DAY + hour * 3600 + min * 60 + sec) * KE_TICKS_PER_SECOND;
}

static void init_shared_user_data(void)
{
    ke_shared_user_data_frame = mm_alloc_frame(MM_FRAME_ZEROED);
    vaddr_t va = mm_alloc_system_va(1);
    if (ke_shared_user_data_frame == MM_PFN_NONE || !va ||
        !NT_SUCCESS(mm_map_kernel_page(va, ke_shared_user_data_frame, MM_MAP_WRITE)))
        ke_panic("ke: cannot set up the shared user data page");
    shared_data = (PAGODA_KUSER_SHARED_DATA *)(uintptr_t)va;
    unsigned hz = ke_get_timer_hz();
    shared_data->TickCountMultiplier = (uint32_t)(((uint64_t)1000 << 24) / hz);
    shared_data->ImageNumberLow = shared_data->ImageNumberHigh = 0x014c;
    static const char root[] = "C:\\Windows";
    for (size_t i = 0; i < sizeof root; i++)
        shared_data->NtSystemRoot[i] = (WCHAR)root[i];
    shared_data->NtProductType = 1; /* NtProductWinNt */
    shared_data->ProductTypeIsValid = 1;
    shared_data->NtMajorVersion = 5;
    shared_data->NtMinorVersion = 1;
    shared_data->HighestUserAddress = mm_split.highest_user_address;
    shared_data->SystemRangeStart = mm_split.system_range_start;
    shared_data->PageSize = PAGE_SIZE;
    shared_data->AllocationGranularity = 0x10000;
    shared_data->MinimumUserAddress = MM_LOWEST_USER_ADDRESS;
    shared_data->UserProbeAddress = mm_split.user_probe_address;
    shared_data->TimerHz = hz;
    ke_fill_system_call_stubs(shared_data);
}

void ke_time_init(void)
{
    tick_period = KE_TICKS_PER_SECOND / ke_get_timer_hz();
    boot_system_time = read_rtc();
    init_shared_user_data();
    ke_update_shared_user_data(ke_get_tick_count());
}

int64_t ke_query_system_time(void)
{
    return boot_system_time + (int64_t)ke_get_tick_count() * tick_period;
}

/* KSYSTEM_TIME is written High2, Low, High1, so a reader that sees High1 == High2 has a whole
 * value. */
static void write_system_time(volatile KSYSTEM_TIME *t, int64_t v)
{
    t->High2Time = (int32_t)(v >> 32);
    t->LowPart = (uint32_t)v;
    t->High1Time = (int32_t)(v >> 32);
}

void ke_update_shared_user_data(uint64_t ticks)
{
    if (!shared_data)
        return;
    int64_t interrupt_time = (int64_t)ticks * tick_period;
    write_system_time(&shared_data->InterruptTime, interrupt_time);
    write_system_time(&shared_data->SystemTime, boot_system_time + interrupt_time);
    write_system_time(&shared_data->TickCount, (int64_t)ticks);
    shared_data->TickCountLowDeprecated = (uint32_t)ticks;
}

uint64_t ke_timeout_to_deadline(const int64_t *timeout)
{
    if (!timeout)
        return UINT64_MAX;
    int64_t t = *timeout;
    uint64_t now = ke_get_tick_count();
    if (t > 0) /* absolute system time */
        t = ke_query_system_time() - t; /* becomes relative (negative while in the future) */
    if (t >= 0)
        return now;
    uint64_t span = 0 - (uint64_t)t; /* |t|, also for INT64_MIN */
    if (span > (UINT64_MAX >> 2))
        return UINT64_MAX;
    /* Round up to whole ticks, plus one: the current tick is already partly over. */
    return now + (span + (uint64_t)tick_period - 1) / (uint64_t)tick_period + 1;
}
