# make page (issue 10): the logs of the last matrix run (build/logs, written by
# tests/matrix/run or make check) as one static page, build/page/results.html
# (tools/results_page.py: checks down, configurations across, every failure
# with its class, diagnostics and latency), and its screenshot by headless
# Chromium, build/page/results.png. PAGE_LOGS adds serial logs from elsewhere
# (another hypervisor), a column each, named after the file:
#   make page PAGE_LOGS="hyperv-gen2.log"
# make check's "page" stage (tests/page/check.sh) builds the same two files
# and asserts on the page as Chromium rendered it.
# PAGE_WINDOW=W,H: the screenshot's size (default in tests/page/chromium.sh);
# CHROMIUM: the browser (default chromium).
PAGE_LOGS ?=

.PHONY: page
page: tools
	@test -s $(B)/logs/matrix.results || \
		{ echo "page: no $(B)/logs/matrix.results: run tests/matrix/run --all (or make check) first"; exit 1; }
	@mkdir -p $(B)/page
	@tools/results_page.py -o $(B)/page/results.html $(B)/logs $(PAGE_LOGS)
	@command -v $${CHROMIUM:-chromium} >/dev/null || \
		{ echo "page: chromium is not installed (make deps), so no $(B)/page/results.png"; exit 1; }
	@tests/page/chromium.sh screenshot $(B)/page/results.html $(B)/page/results.png
	@echo "page: $(B)/page/results.html, $(B)/page/results.png"
