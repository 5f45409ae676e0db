# build/barmove-sim (tests/sim): the fault-injecting PCI fabric model. The
# shared code and the guest's relocation checks, compiled unchanged for the
# host, run against the correct model and against one mutant per bug class;
# it prints the kill matrix (DESIGN §7). Not the checks that need real
# hardware: boot_checks.c (memory map, recoverable probe), tsc_check.c and
# the harness's selftests.c.
SIM_GUEST_SRC := $(wildcard tests/guest/relocation*.c tests/guest/checks_*.c) \
	tests/guest/topology_checks.c
SIM_SRC := $(wildcard tests/sim/*.c)
SIM_OBJ := $(patsubst %,$(B)/host/%.o,$(SHARED_SRC) $(SIM_GUEST_SRC) $(SIM_SRC))
-include $(patsubst %,$(B)/host/%.d,$(SIM_GUEST_SRC) $(SIM_SRC))

$(B)/barmove-sim: $(SIM_OBJ)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $^

.PHONY: sim
sim: $(B)/barmove-sim
