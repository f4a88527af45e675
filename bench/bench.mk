# make bench: sizes, boot times and dom0 memory of the ISO, xapi-lite driving Xen on the
# live host, the installer, network installs, xapi-lite against nginx, the console,
# xapi-lite under hostile load (before and now), VM.snapshot on XFS and ext4 SRs, the XVA
# and VHD transfers on XFS, then upgrades and rollbacks; the report goes to out/bench.md,
# and the numbers worth keeping into bench/README.md.

BENCH_BOOTS ?= 3
# bench-hostile's "before": xapi-lite as it was before the hostile-load work, built from
# that commit the way out/bin/xapi-lite is built.
HOSTILE_BEFORE ?= e21d674
HOSTILE_BEFORE_BIN := $(B)/bench/xapi-lite-$(HOSTILE_BEFORE)

.PHONY: bench bench-iso bench-api bench-host bench-install bench-pxe bench-console bench-hostile \
	bench-snapshot bench-transfer bench-sampler bench-stats bench-upgrade
bench: bench-iso bench-host bench-install bench-pxe bench-api bench-console bench-hostile \
		bench-snapshot bench-transfer bench-sampler bench-stats bench-upgrade
	@cat $(OUT)/bench-iso.md $(OUT)/bench-host.md $(OUT)/bench-install.md \
		$(OUT)/bench-pxe.md $(OUT)/bench-api.md $(OUT)/bench-console.md \
		$(OUT)/bench-hostile.md $(OUT)/bench-snapshot.md $(OUT)/bench-transfer.md \
		$(OUT)/bench-sampler.md $(OUT)/bench-stats.md $(OUT)/bench-upgrade.md > $(OUT)/bench.md
	@echo "== the whole report: $(OUT)/bench.md"

bench-iso: $(ISO)
	@echo "== bench: $(BENCH_BOOTS) boots each on BIOS and UEFI (QEMU TCG); this takes minutes"
	@python3 bench/bench.py $(ISO) $(B)/dom0/root $(BENCH_BOOTS) > $(OUT)/bench-iso.md.tmp
	@mv $(OUT)/bench-iso.md.tmp $(OUT)/bench-iso.md
	@cat $(OUT)/bench-iso.md

bench-host: $(ISO)
	@echo "== bench: xapi-lite driving Xen on the live ISO (QEMU TCG); this takes minutes"
	@python3 bench/host_bench.py $(ISO) > $(OUT)/bench-host.md.tmp
	@mv $(OUT)/bench-host.md.tmp $(OUT)/bench-host.md
	@cat $(OUT)/bench-host.md

bench-install: $(ISO)
	@echo "== bench: installs to a virtio disk and boots of it (QEMU TCG); this takes minutes"
	@python3 bench/install_bench.py $(ISO) > $(OUT)/bench-install.md.tmp
	@mv $(OUT)/bench-install.md.tmp $(OUT)/bench-install.md
	@cat $(OUT)/bench-install.md

bench-upgrade: $(ISO) upgrade-image
	@echo "== bench: upgrades and rollbacks of installed hosts (QEMU TCG); this takes minutes"
	@python3 bench/upgrade_bench.py $(ISO) $(UPGRADE_OUT)/boot > $(OUT)/bench-upgrade.md.tmp
	@mv $(OUT)/bench-upgrade.md.tmp $(OUT)/bench-upgrade.md
	@cat $(OUT)/bench-upgrade.md

bench-pxe: pxe
	@echo "== bench: network installs and loaders (QEMU TCG); this takes minutes"
	@python3 bench/pxe_bench.py $(PXE_TREE) $(OUT)/bin/atoll-pxe > $(OUT)/bench-pxe.md.tmp
	@mv $(OUT)/bench-pxe.md.tmp $(OUT)/bench-pxe.md
	@cat $(OUT)/bench-pxe.md

bench-api: $(OUT)/bin/xapi-lite
	@echo "== bench: xapi-lite (sim) and nginx on this machine, side by side"
	@python3 bench/api_bench.py $(OUT)/bin/xapi-lite > $(OUT)/bench-api.md.tmp
	@mv $(OUT)/bench-api.md.tmp $(OUT)/bench-api.md
	@cat $(OUT)/bench-api.md

bench-console: $(OUT)/bin/atoll-console $(OUT)/bin/xapi-lite
	@echo "== bench: atoll-console's status refresh against xapi-lite (sim) on this machine"
	@python3 bench/console_bench.py $(OUT)/bin/atoll-console $(OUT)/bin/xapi-lite \
		> $(OUT)/bench-console.md.tmp
	@mv $(OUT)/bench-console.md.tmp $(OUT)/bench-console.md
	@cat $(OUT)/bench-console.md

$(HOSTILE_BEFORE_BIN): | $(B)/host-packages.stamp
	@rm -rf $@.src && mkdir -p $@.src
	@git archive $(HOSTILE_BEFORE) lib xapi-lite | tar -x -C $@.src
	@echo "  LD      $@ (xapi-lite at $(HOSTILE_BEFORE))"
	@cd $@.src && $(CC) $(CFLAGS) $(WARN) -static -DATOLL_VERSION='"$(ATOLL_VERSION)"' \
		-Ilib -o $(abspath $@).tmp xapi-lite/*.c lib/*.c
	@mv $@.tmp $@ && rm -rf $@.src

bench-hostile: $(HOSTILE_BEFORE_BIN) $(OUT)/bin/xapi-lite
	@echo "== bench: xapi-lite under hostile load, $(HOSTILE_BEFORE) and now, on this machine"
	@python3 bench/hostile_bench.py $(HOSTILE_BEFORE_BIN) $(OUT)/bin/xapi-lite \
		> $(OUT)/bench-hostile.md.tmp
	@mv $(OUT)/bench-hostile.md.tmp $(OUT)/bench-hostile.md
	@cat $(OUT)/bench-hostile.md

# Loop-mounts XFS and ext4 images (as root), each holding a sim server's SR.
bench-snapshot: $(OUT)/bin/xapi-lite
	@echo "== bench: VM.snapshot of a 10 GiB VDI with 2 GiB of data, on XFS (reflink) and ext4"
	@python3 bench/snapshot_bench.py $(OUT)/bin/xapi-lite > $(OUT)/bench-snapshot.md.tmp
	@mv $(OUT)/bench-snapshot.md.tmp $(OUT)/bench-snapshot.md
	@cat $(OUT)/bench-snapshot.md

# Loop-mounts an XFS image (as root) holding a sim server's SR; drops the page cache.
bench-transfer: $(OUT)/bin/xapi-lite
	@echo "== bench: XVA export and import of a 4 GiB VDI with 1 GiB of data, a delta VHD, on XFS"
	@python3 bench/transfer_bench.py $(OUT)/bin/xapi-lite > $(OUT)/bench-transfer.md.tmp
	@mv $(OUT)/bench-transfer.md.tmp $(OUT)/bench-transfer.md
	@cat $(OUT)/bench-transfer.md

# The stats sampler's cost: xapi-lite's CPU time over a minute with 100 running sim VMs
# against none.
bench-sampler: $(OUT)/bin/xapi-lite
	@echo "== bench: the stats sampler's CPU cost, xapi-lite (sim) with 100 VMs; two minutes"
	@python3 bench/sampler_bench.py $(OUT)/bin/xapi-lite > $(OUT)/bench-sampler.md.tmp
	@mv $(OUT)/bench-sampler.md.tmp $(OUT)/bench-sampler.md
	@cat $(OUT)/bench-sampler.md

# The archives' memory with 1,000 running sim VMs and the time of XO's 5 s /rrd_updates
# query over them.
bench-stats: $(OUT)/bin/xapi-lite
	@echo "== bench: the archives of 1,000 sim VMs, xapi-lite's memory and /rrd_updates"
	@python3 bench/stats_bench.py $(OUT)/bin/xapi-lite > $(OUT)/bench-stats.md.tmp
	@mv $(OUT)/bench-stats.md.tmp $(OUT)/bench-stats.md
	@cat $(OUT)/bench-stats.md
