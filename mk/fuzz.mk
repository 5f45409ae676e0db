# libFuzzer targets (tests/fuzz/README): the shared parsers and walkers,
# unchanged, built with clang -fsanitize=fuzzer,address,undefined.
#   make fuzz          build every target into build/fuzz/ and run each for
#                      FUZZ_SECONDS (default 60), printing executions per
#                      target and in total (FUZZ_TARGETS: a subset)
#   make fuzz-replay   build them, replay the committed corpus and every
#                      crash ever found, run each target briefly
#                      (FUZZ_QUICK_SECONDS, default 5): one "ok fuzz TARGET"
#                      line per target and "fuzz: N passed, N failed"
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_QUICK_SECONDS ?= 5
FUZZ_TARGETS ?= acpi bootinfo options pci addrmap logparse
# HOSTCFLAGS' warnings, minus any flag clang does not know
FUZZ_GCC_ONLY := -Wlogical-op -Wduplicated-cond -Wduplicated-branches -Wjump-misses-init \
	-Wformat-truncation=% -Wformat-overflow=% -Wstringop-%
FUZZ_WARN := $(filter-out $(FUZZ_GCC_ONLY),$(WARN))
FUZZ_CFLAGS := -std=c11 $(FUZZ_WARN) -O1 -g -D_DEFAULT_SOURCE -DBARMOVE_VERSION='"$(VERSION)"' \
	-fno-omit-frame-pointer -fno-sanitize-recover=all -fsanitize=address,undefined
FUZZ_SAN_OBJ := $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link
FUZZ_SAN_LINK := $(FUZZ_CFLAGS) -fsanitize=fuzzer

# The shared sources (mk/host.mk) in one archive: each target links what it uses.
FUZZ_LIB_SRC := $(SHARED_SRC) $(TOOLS_LIB_SRC)
FUZZ_LIB_OBJ := $(patsubst %,$(B)/fuzz/obj/%.o,$(FUZZ_LIB_SRC))
FUZZ_BINS := $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_TARGETS))

$(B)/fuzz/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN_OBJ) -MMD -MP -c $< -o $@

$(B)/fuzz/libshared.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# targets that need physical memory share tests/fuzz/fuzz_phys.c
FUZZ_PHYS_OBJ := $(B)/fuzz/obj/tests/fuzz/fuzz_phys.c.o
$(B)/fuzz/fuzz_acpi $(B)/fuzz/fuzz_bootinfo: $(FUZZ_PHYS_OBJ)

FUZZ_MAIN_OBJ := $(patsubst %,$(B)/fuzz/obj/tests/fuzz/fuzz_%.c.o,$(FUZZ_TARGETS))
.SECONDARY: $(FUZZ_MAIN_OBJ) $(FUZZ_PHYS_OBJ)

$(B)/fuzz/fuzz_%: $(B)/fuzz/obj/tests/fuzz/fuzz_%.c.o $(B)/fuzz/libshared.a
	$(FUZZ_CC) $(FUZZ_SAN_LINK) -o $@ $(filter %.o,$^) $(B)/fuzz/libshared.a

-include $(FUZZ_LIB_OBJ:.o=.d) $(patsubst %,$(B)/fuzz/obj/tests/fuzz/fuzz_%.c.d,$(FUZZ_TARGETS) phys)

.PHONY: fuzz fuzz-build fuzz-replay
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@tests/fuzz/run --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-replay: fuzz-build
	@tests/fuzz/run --quick --seconds $(FUZZ_QUICK_SECONDS) $(FUZZ_TARGETS)
