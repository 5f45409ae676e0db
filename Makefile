# barmove: `make run` boots the default configuration, `make check` runs every test.
# Targets: deps kernel iso run check clean (see README.md).

# Native on an x86-64 host, cross prefix otherwise (e.g. CROSS_COMPILE=x86_64-linux-gnu-).
ifeq ($(shell uname -m),x86_64)
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= x86_64-linux-gnu-
endif
CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
HOSTCC  ?= cc

B := build
VERSION := 0.1

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
KCFLAGS := -std=c11 $(WARN) -O2 -g -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) -Ilibc/include \
	-m64 -mno-red-zone -mgeneral-regs-only -mno-sse -mno-mmx -mcmodel=small \
	-fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -DBARMOVE_VERSION='"$(VERSION)"'
KASFLAGS := -m64 -D__ASSEMBLY__ -Wa,--noexecstack
KLDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -Wl,--build-id=none -T linker.ld

# Everything in these folders is kernel code; tests/guest adds checks.
KSRC := $(wildcard boot/*.S kernel/*.c kernel/*.S drivers/*.c libc/*.c tests/guest/*.c)
KOBJ := $(patsubst %,$(B)/k/%.o,$(KSRC))

.PHONY: all deps kernel iso run check clean host-tests tools
all: kernel iso

deps:
	@scripts/deps.sh

kernel: $(B)/barmove.elf $(B)/barmove32.elf

$(B)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(B)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -MMD -MP -c $< -o $@

$(B)/barmove.elf: $(KOBJ) linker.ld
	$(CC) $(KLDFLAGS) -o $@ $(KOBJ) -lgcc

# QEMU's -kernel refuses an ELF64 multiboot image: same bytes, ELF32 container.
$(B)/barmove32.elf: $(B)/barmove.elf
	$(OBJCOPY) -O elf32-i386 $< $@

-include $(KOBJ:.o=.d)

# Host side: unit tests and tools (mk/host.mk), ISO (mk/iso.mk), run/check (mk/check.mk).
include mk/host.mk
include mk/iso.mk
include mk/check.mk
include mk/sim.mk
include mk/bench.mk
include mk/fuzz.mk
include mk/page.mk

clean:
	rm -rf $(B)
