# make run / make check (scripts/check.sh does the work once everything is built).
# deps first, on its own: the builds below need what it installs.

.PHONY: matrix-validate hostile-acpi

run: deps
	@$(MAKE) --no-print-directory kernel iso tools matrix-validate
	@scripts/check.sh run

check: deps
	@$(MAKE) --no-print-directory kernel iso tools host-tests sim hostile-acpi matrix-validate \
		$(B)/bench/floor32.elf
	@scripts/check.sh check

# An unknown key or value in tests/matrix/matrix.cfg fails the build, before
# anything boots (STYLE.md rule 6).
matrix-validate:
	@tests/matrix/run --validate

# Semantically hostile ACPI tables that matrix configurations inject with
# QEMU's -acpitable (tests/matrix/acpi/README).
hostile-acpi: $(B)/acpi/.made
$(B)/acpi/.made: tests/matrix/acpi/mkhostile.sh
	@tests/matrix/acpi/mkhostile.sh $(B)/acpi
	@touch $@
