# make bench: sizes, boot times and dom0 memory; the report goes to out/bench.md and the
# numbers worth keeping into bench/README.md.

BENCH_BOOTS ?= 3

.PHONY: bench
bench: $(ISO)
	@echo "== bench: $(BENCH_BOOTS) boots each on BIOS and UEFI (QEMU TCG); this takes minutes"
	@python3 bench/bench.py $(ISO) $(B)/dom0/root $(BENCH_BOOTS) > $(OUT)/bench.md.tmp
	@mv $(OUT)/bench.md.tmp $(OUT)/bench.md
	@cat $(OUT)/bench.md
