# Host builds of the shared C code: the same files as in the kernel, unchanged,
# with the system libc instead of libc/.
HOSTCFLAGS := -std=c11 $(WARN) -O1 -g -D_DEFAULT_SOURCE -DBARMOVE_VERSION='"$(VERSION)"' \
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Shared (hardware-free) code: compiled into the kernel and into host binaries.
# Everything in kernel/ and drivers/ is shared except the hardware layer below
# (drivers/hw_counts.c is shared: it counts what the kernel's seam is given).
KERNEL_ONLY_SRC := kernel/main.c kernel/console.c kernel/exceptions.c kernel/exit.c \
	kernel/paging.c kernel/physmem.c kernel/timer.c kernel/hypervisor.c kernel/step_selftests.c \
	kernel/hostile_selftests.c kernel/watchdog.c kernel/lapic.c kernel/pic.c kernel/interrupts.c \
	drivers/acpi.c drivers/uart16550.c drivers/hw_kernel.c
SHARED_SRC := $(filter-out $(KERNEL_ONLY_SRC),$(wildcard kernel/*.c drivers/*.c))
TOOLS_MAIN_SRC := tools/logcheck.c tools/verdicts.c
TOOLS_LIB_SRC := $(filter-out $(TOOLS_MAIN_SRC),$(wildcard tools/*.c))
HOST_TEST_SRC := $(wildcard tests/host/*.c)

$(B)/host/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -MMD -MP -c $< -o $@

HOST_SHARED_OBJ := $(patsubst %,$(B)/host/%.o,$(SHARED_SRC) $(TOOLS_LIB_SRC))
-include $(HOST_SHARED_OBJ:.o=.d) $(patsubst %,$(B)/host/%.d,$(HOST_TEST_SRC) $(TOOLS_MAIN_SRC))

$(B)/host/unit: $(HOST_SHARED_OBJ) $(patsubst %,$(B)/host/%.o,$(HOST_TEST_SRC))
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $^

# The serial-log checker (tools/logcheck.c): TAP -> verdict, JUnit XML, TAP 13.
# It needs the reporter's formatting only, not the PCI code (which needs a seam).
LOGCHECK_OBJ := $(patsubst %,$(B)/host/%.o,kernel/format.c kernel/tap.c $(TOOLS_LIB_SRC) tools/logcheck.c)
$(B)/barmove-logcheck: $(LOGCHECK_OBJ)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $^

# The expected-verdict comparison (tools/verdicts.c, tools/logexpect.h).
VERDICTS_OBJ := $(patsubst %,$(B)/host/%.o,kernel/format.c kernel/tap.c $(TOOLS_LIB_SRC) tools/verdicts.c)
$(B)/barmove-verdicts: $(VERDICTS_OBJ)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $^

host-tests: $(B)/host/unit
tools: $(B)/barmove-logcheck $(B)/barmove-verdicts
