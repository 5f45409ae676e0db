# make run / make check (scripts/check.sh does the work once everything is built).
# deps first, on its own: the builds below need what it installs.

.PHONY: matrix-validate

run: deps
	@$(MAKE) --no-print-directory kernel iso tools matrix-validate
	@scripts/check.sh run

check: deps
	@$(MAKE) --no-print-directory kernel iso tools host-tests matrix-validate
	@scripts/check.sh check

# An unknown key or value in tests/matrix/matrix.cfg fails the build, before
# anything boots (STYLE.md rule 6).
matrix-validate:
	@tests/matrix/run --validate
