/* kernel/drivers/pci/pci.h: the PCI bus through configuration mechanism #1 (ports 0xCF8/0xCFC).
 * pci_init scans every bus, device and function once at boot and keeps what it found; drivers look
 * devices up by class. */
#ifndef PAGODA_PCI_H
#define PAGODA_PCI_H

#include "kernel/ndk/types.h"

#define PCI_CLASS_STORAGE 0x01
#define PCI_SUBCLASS_IDE  0x01
#define PCI_MAX_DEVICES   64

/* Configuration-space offsets. */
#define PCI_VENDOR_ID      0x00
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define PCI_REVISION       0x08 /* revision, prog-if, subclass, class */
#define PCI_HEADER_TYPE    0x0E
#define PCI_BAR0           0x10
#define PCI_INTERRUPT_LINE 0x3C

#define PCI_COMMAND_IO         0x0001
#define PCI_COMMAND_BUS_MASTER 0x0004
#define PCI_BAR_IO             0x1 /* bit 0 of a BAR: I/O space */

struct pci_device {
    uint8_t bus, device, function;
    uint16_t vendor_id, device_id;
    uint8_t class_code, subclass, prog_if, revision;
};

/* Scans the bus and logs each function found (vendor:device, class). Once, at boot. */
void pci_init(void);
uint32_t pci_device_count(void);
/* The index-th function with this class and subclass, or NULL. */
const struct pci_device *pci_find_class(uint8_t class_code, uint8_t subclass, uint32_t index);

uint32_t pci_read32(const struct pci_device *d, uint8_t offset);
uint16_t pci_read16(const struct pci_device *d, uint8_t offset);
void pci_write16(const struct pci_device *d, uint8_t offset, uint16_t value);
/* The I/O port base of an I/O-space BAR (0-5), or 0 when the BAR is memory space or unset. */
uint16_t pci_io_bar(const struct pci_device *d, unsigned bar);

#endif
