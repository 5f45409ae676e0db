# make bench (issue 9): tests/bench/bench.py times barmove's default suite
# against its floors on each boot path. Not part of `make check`'s verdict:
# check runs `bench.py --quick` once as its "bench" stage, to prove it works.
#
# The floor kernel (tests/bench/floor/floor.c): barmove's boot/ entry and the
# console and exit of kernel/, nothing else. build/bench/floor32.elf is the
# ELF32 copy for qemu -kernel; build/bench/floor.iso a GRUB rescue image whose
# grub.cfg passes $barmove_args from the barmove.cfg drive (as the main ISO).
FLOOR_SRC := boot/entry.S boot/multiboot.S tests/bench/floor/floor.c kernel/console.c \
	kernel/format.c kernel/exit.c drivers/uart16550.c libc/string.c
FLOOR_OBJ := $(patsubst %,$(B)/k/%.o,$(FLOOR_SRC))
-include $(B)/k/tests/bench/floor/floor.c.d

$(B)/bench/floor.elf: $(FLOOR_OBJ) linker.ld
	@mkdir -p $(dir $@)
	$(CC) $(KLDFLAGS) -o $@ $(FLOOR_OBJ) -lgcc

$(B)/bench/floor32.elf: $(B)/bench/floor.elf
	$(OBJCOPY) -O elf32-i386 $< $@

FLOOR_ISO_STAGE := $(B)/bench/iso
$(B)/bench/floor.iso: $(B)/bench/floor.elf tests/bench/floor/grub.cfg mk/bench.mk mk/iso.mk
	@rm -rf $(FLOOR_ISO_STAGE)
	@mkdir -p $(FLOOR_ISO_STAGE)/boot/grub/i386-pc $(FLOOR_ISO_STAGE)/boot/grub/x86_64-efi
	cp tests/bench/floor/grub.cfg $(FLOOR_ISO_STAGE)/boot/grub/grub.cfg
	cp $(B)/bench/floor.elf $(FLOOR_ISO_STAGE)/boot/barmove.elf
	@for p in i386-pc x86_64-efi; do printf '%s\n' $(ISO_FS) >$(FLOOR_ISO_STAGE)/boot/grub/$$p/fs.lst; done
	grub-mkrescue --install-modules="$(ISO_MODULES)" --locales= --fonts= --themes= \
		-o $@.tmp $(FLOOR_ISO_STAGE) >$(B)/bench/grub-mkrescue.log 2>&1 \
		|| { cat $(B)/bench/grub-mkrescue.log; rm -f $@.tmp; exit 1; }
	mv -f $@.tmp $@

.PHONY: bench bench-deps bench-kernels
bench-kernels: $(B)/bench/floor32.elf $(B)/bench/floor.iso

bench-deps:
	@scripts/deps.sh bench

# BENCH_ARGS: e.g. make bench BENCH_ARGS="--rounds 5 --no-scaling"
bench: deps bench-deps
	@$(MAKE) --no-print-directory kernel iso bench-kernels
	@python3 tests/bench/bench.py $(BENCH_ARGS)
