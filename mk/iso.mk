# make iso: build/barmove.iso, a GRUB rescue image that boots with BIOS (i386-pc)
# and UEFI (x86_64-efi), holding iso/grub.cfg and the ELF64 kernel. The ISO never
# changes per run: options reach it from a barmove.cfg drive (scripts/mkcfgdisk.sh).

# Only what grub.cfg uses, so the image stays ~4.5 MB instead of ~20 MB with
# every module, locale, font and theme. GRUB loads these on demand from the ISO.
ISO_MODULES := normal configfile echo test search search_fs_file fat iso9660 \
	part_msdos part_gpt serial terminal multiboot multiboot2
ISO_STAGE := $(B)/iso

iso: $(B)/barmove.iso

$(B)/barmove.iso: $(B)/barmove.elf iso/grub.cfg mk/iso.mk
	@rm -rf $(ISO_STAGE) && mkdir -p $(ISO_STAGE)/boot/grub
	cp iso/grub.cfg $(ISO_STAGE)/boot/grub/grub.cfg
	cp $(B)/barmove.elf $(ISO_STAGE)/boot/barmove.elf
	@# xorriso is chatty on success: keep its output, show it only on failure.
	grub-mkrescue --install-modules="$(ISO_MODULES)" --locales= --fonts= --themes= \
		-o $@.tmp $(ISO_STAGE) >$(B)/grub-mkrescue.log 2>&1 \
		|| { cat $(B)/grub-mkrescue.log; rm -f $@.tmp; exit 1; }
	mv -f $@.tmp $@
