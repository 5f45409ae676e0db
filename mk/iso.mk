# make iso: build/barmove.iso, a GRUB rescue image that boots with BIOS (i386-pc)
# and UEFI (x86_64-efi), holding iso/grub.cfg and the ELF64 kernel. The ISO never
# changes per run: options reach it from a barmove.cfg drive (scripts/mkcfgdisk.sh).

GRUB_LIB := /usr/lib/grub
# Filesystems GRUB can read: the ISO itself and the FAT barmove.cfg drive.
ISO_FS := iso9660 fat
# Every partition map: the EFI core image grub-mkrescue makes runs `insmod` on
# each one listed in $(GRUB_LIB)/x86_64-efi/partmap.lst, so a missing one prints an error.
ISO_PARTMAPS = $(shell cat $(GRUB_LIB)/x86_64-efi/partmap.lst 2>/dev/null)
# Only what grub.cfg uses (plus the above), so the image is ~4.9 MB instead of
# ~20 MB with every module, locale, font and theme. GRUB loads them on demand.
ISO_MODULES = normal configfile echo test search search_fs_file serial terminal \
	multiboot multiboot2 all_video $(ISO_FS) $(ISO_PARTMAPS)
ISO_STAGE := $(B)/iso

iso: $(B)/barmove.iso

# fs.lst: GRUB tries to load every filesystem listed there on a device none of
# the loaded ones recognises, printing an error for each module not installed.
# Our copy (staged files override grub-mkrescue's) lists the installed ones only.
$(B)/barmove.iso: $(B)/barmove.elf iso/grub.cfg mk/iso.mk
	@rm -rf $(ISO_STAGE)
	@mkdir -p $(ISO_STAGE)/boot/grub/i386-pc $(ISO_STAGE)/boot/grub/x86_64-efi
	cp iso/grub.cfg $(ISO_STAGE)/boot/grub/grub.cfg
	cp $(B)/barmove.elf $(ISO_STAGE)/boot/barmove.elf
	@for p in i386-pc x86_64-efi; do printf '%s\n' $(ISO_FS) >$(ISO_STAGE)/boot/grub/$$p/fs.lst; done
	@# xorriso is chatty on success: keep its output, show it only on failure.
	grub-mkrescue --install-modules="$(ISO_MODULES)" --locales= --fonts= --themes= \
		-o $@.tmp $(ISO_STAGE) >$(B)/grub-mkrescue.log 2>&1 \
		|| { cat $(B)/grub-mkrescue.log; rm -f $@.tmp; exit 1; }
	mv -f $@.tmp $@
