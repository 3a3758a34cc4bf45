/* kernel/drivers/pci/pci.c: PCI configuration mechanism #1 and the boot-time scan of buses 0-255. A
 * function answers with a vendor ID other than 0xFFFF; function 0's header type bit 7 says whether
 * functions 1-7 exist. The scan is brute force (8,192 probes) rather than a walk of the bridges:
 * simpler, and it takes a few milliseconds once. */
#include "kernel/drivers/pci/pci.h"
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"

#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA    0xCFC
#define PCI_ENABLE         0x80000000u
#define PCI_MULTIFUNCTION  0x80

static struct pci_device found[PCI_MAX_DEVICES];
static uint32_t found_count;
/* The configuration ports: an address/data pair that must not be interleaved. */
static struct ke_spin_lock config_lock = KE_SPIN_LOCK_INIT("PCI configuration");

static uint32_t config_address(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset)
{
    return PCI_ENABLE | (uint32_t)bus << 16 | (uint32_t)device << 11 | (uint32_t)function << 8 |
           (offset & 0xFC);
}

static uint32_t read_config(uint8_t bus, uint8_t device, uint8_t function, uint8_t offset)
{
    uint32_t irq = ke_acquire_spin_lock(&config_lock);
    outl(PCI_CONFIG_ADDRESS, config_address(bus, device, function, offset));
    uint32_t value = inl(PCI_CONFIG_DATA);
    ke_release_spin_lock(&config_lock, irq);
    return value;
}

uint32_t pci_read32(const struct pci_device *d, uint8_t offset)
{
    return read_config(d->bus, d->device, d->function, offset);
}

uint16_t pci_read16(const struct pci_device *d, uint8_t offset)
{
    return (uint16_t)(pci_read32(d, offset) >> ((offset & 2) * 8));
}

void pci_write16(const struct pci_device *d, uint8_t offset, uint16_t value)
{
    uint32_t irq = ke_acquire_spin_lock(&config_lock);
    outl(PCI_CONFIG_ADDRESS, config_address(d->bus, d->device, d->function, offset));
    uint32_t shift = (offset & 2) * 8;
    uint32_t old = inl(PCI_CONFIG_DATA);
    outl(PCI_CONFIG_DATA, (old & ~(0xFFFFu << shift)) | (uint32_t)value << shift);
    ke_release_spin_lock(&config_lock, irq);
}

uint16_t pci_io_bar(const struct pci_device *d, unsigned bar)
{
    uint32_t value = pci_read32(d, (uint8_t)(PCI_BAR0 + 4 * bar));
    if (!(value & PCI_BAR_IO))
        return 0;
    return (uint16_t)(value & 0xFFFC);
}

static void add_function(uint8_t bus, uint8_t device, uint8_t function, uint32_t id)
{
    uint32_t class_reg = read_config(bus, device, function, PCI_REVISION);
    struct pci_device d = {
        .bus = bus,
        .device = device,
        .function = function,
        .vendor_id = (uint16_t)id,
        .device_id = (uint16_t)(id >> 16),
        .class_code = (uint8_t)(class_reg >> 24),
        .subclass = (uint8_t)(class_reg >> 16),
        .prog_if = (uint8_t)(class_reg >> 8),
        .revision = (uint8_t)class_reg,
    };
    ke_info("pci: %02x:%02x.%u %04x:%04x class %02x.%02x.%02x\n", bus, device, function,
            d.vendor_id, d.device_id, d.class_code, d.subclass, d.prog_if);
    if (found_count == PCI_MAX_DEVICES) {
        ke_warn("pci: more than %u functions; %02x:%02x.%u ignored\n", PCI_MAX_DEVICES, bus, device,
                function);
        return;
    }
    found[found_count++] = d;
}

static void scan_device(uint8_t bus, uint8_t device)
{
    uint32_t id = read_config(bus, device, 0, PCI_VENDOR_ID);
    if ((id & 0xFFFF) == 0xFFFF)
        return;
    add_function(bus, device, 0, id);
    uint8_t header = (uint8_t)(read_config(bus, device, 0, PCI_HEADER_TYPE & 0xFC) >> 16);
    if (!(header & PCI_MULTIFUNCTION))
        return;
    for (uint8_t function = 1; function < 8; function++) {
        id = read_config(bus, device, function, PCI_VENDOR_ID);
        if ((id & 0xFFFF) != 0xFFFF)
            add_function(bus, device, function, id);
    }
}

void pci_init(void)
{
    /* Mechanism #1 reads back the address register; without a host bridge that answers, no PCI. */
    outl(PCI_CONFIG_ADDRESS, PCI_ENABLE);
    if (inl(PCI_CONFIG_ADDRESS) != PCI_ENABLE) {
        ke_info("pci: no configuration mechanism #1; no PCI bus\n");
        return;
    }
    for (unsigned bus = 0; bus < 256; bus++)
        for (uint8_t device = 0; device < 32; device++)
            scan_device((uint8_t)bus, device);
    ke_info("pci: %u functions\n", found_count);
}

uint32_t pci_device_count(void) { return found_count; }

const struct pci_device *pci_find_class(uint8_t class_code, uint8_t subclass, uint32_t index)
{
    for (uint32_t i = 0; i < found_count; i++)
        if (found[i].class_code == class_code && found[i].subclass == subclass && index-- == 0)
            return &found[i];
    return NULL;
}
