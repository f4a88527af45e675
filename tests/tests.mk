# Tests. make check runs the fast ones (unit, golden files, build errors); make test adds short
# fuzz runs and the system tests that boot the ISO in QEMU.

$(eval $(call c-test,test_cmdline,tests/unit/test_cmdline.c))
$(eval $(call c-test,test_buf_arena,tests/unit/test_buf_arena.c))
$(eval $(call c-test,test_loop,tests/unit/test_loop.c))
$(eval $(call c-test,test_json,tests/unit/test_json.c))
$(eval $(call c-test,test_xmlrpc,tests/unit/test_xmlrpc.c))
$(eval $(call c-test,test_tar_read,tests/unit/test_tar_read.c))
$(eval $(call c-test,test_xva_ova,tests/unit/test_xva_ova.c xapi-lite/xva_ova.c xapi-lite/db.c xapi-lite/hval.c xapi-lite/model.c))
$(eval $(call c-test,test_http,tests/unit/test_http.c))
$(eval $(call c-test,test_exec,tests/unit/test_exec.c))
$(eval $(call c-test,test_model,tests/unit/test_model.c xapi-lite/model.c))
$(eval $(call c-test,test_disks,tests/unit/test_disks.c xapi-lite/disks.c))
$(eval $(call c-test,test_xlcfg,tests/unit/test_xlcfg.c xapi-lite/xlcfg.c))
$(eval $(call c-test,test_xlparse,tests/unit/test_xlparse.c xapi-lite/xlparse.c))
$(eval $(call c-test,test_lsblk,tests/unit/test_lsblk.c xapi-lite/lsblk.c))
# suspend.c's checkpoint image needs the whole of xapi-lite but its main (and, on xen, the
# API tests' stand-in xl), built as c-test builds, with the version xen.c reports.
SUSPEND_IMAGE_SRCS := tests/unit/test_suspend_image.c \
	$(filter-out xapi-lite/main.c,$(wildcard xapi-lite/*.c))
SUSPEND_IMAGE_CC = $(HOSTCC) $(WARN) $(SANITIZE) -DATOLL_VERSION='"$(ATOLL_VERSION)"' -Ilib \
	-Itests -Ixapi-lite
$(B)/tests/test_suspend_image: $(SUSPEND_IMAGE_SRCS) $(LIB_SRCS) tests/tap.h \
		$(wildcard xapi-lite/*.h xapi-lite/*.def) | $(B)/host-packages.stamp
	@mkdir -p $(@D)
	@echo "  CC      $@ (sanitizers)"
	@$(call list-headers,$(SUSPEND_IMAGE_CC),$(SUSPEND_IMAGE_SRCS) $(LIB_SRCS))
	@$(SUSPEND_IMAGE_CC) -o $@ $(SUSPEND_IMAGE_SRCS) $(LIB_SRCS)
UNIT_TESTS += $(B)/tests/test_suspend_image
$(eval $(call c-test,test_xs,tests/unit/test_xs.c))
$(eval $(call c-test,test_plan,tests/unit/test_plan.c installer/plan.c))
$(eval $(call c-test,test_fetch,tests/unit/test_fetch.c installer/fetch.c installer/report.c))
$(eval $(call c-test,test_sums,tests/unit/test_sums.c installer/sums.c))
$(eval $(call c-test,test_bootfiles,tests/unit/test_bootfiles.c installer/bootfiles.c installer/sums.c installer/fetch.c installer/report.c))
$(eval $(call c-test,test_outcome,tests/unit/test_outcome.c installer/outcome.c installer/fetch.c installer/report.c))
$(eval $(call c-test,test_options,tests/unit/test_options.c installer/options.c))
$(eval $(call c-test,test_answerfile,tests/unit/test_answerfile.c installer/answerfile.c installer/validate.c))
$(eval $(call c-test,test_validate,tests/unit/test_validate.c installer/validate.c))
$(eval $(call c-test,test_disklist,tests/unit/test_disklist.c installer/disklist.c))
$(eval $(call c-test,test_mac,tests/unit/test_mac.c))
$(eval $(call c-test,test_pxecfg,tests/unit/test_pxecfg.c pxe/pxecfg.c))
# lib/inet.c, zonename.c and sha512crypt.c: the one rule each for addresses and host names,
# time zones and password hashes.
$(eval $(call c-test,test_inet,tests/unit/test_inet.c))
$(eval $(call c-test,test_sha512crypt,tests/unit/test_sha512crypt.c))
$(eval $(call c-test,test_log,tests/unit/test_log.c xapi-lite/log.c))
$(eval $(call c-test,test_throttle,tests/unit/test_throttle.c xapi-lite/throttle.c))
# Messages (alerts): the where-expressions and DateTimes their calls parse.
$(eval $(call c-test,test_where,tests/unit/test_where.c xapi-lite/where.c))
$(eval $(call c-test,test_datetime,tests/unit/test_datetime.c xapi-lite/datetime.c))
$(eval $(call c-fuzz,fuzz_where,tests/fuzz/fuzz_where.c xapi-lite/where.c))
$(eval $(call c-fuzz,fuzz_datetime,tests/fuzz/fuzz_datetime.c xapi-lite/datetime.c))
$(eval $(call c-test,test_tar_write,tests/unit/test_tar_write.c))
$(eval $(call c-test,test_chunksum,tests/unit/test_chunksum.c xapi-lite/chunksum.c))
$(eval $(call c-test,test_xenapi_reply,tests/unit/test_xenapi_reply.c console-ui/xenapi.c))
$(eval $(call c-test,test_vhd,tests/unit/test_vhd.c))
$(eval $(call c-test,test_extents,tests/unit/test_extents.c xapi-lite/extents.c))
RRD_SRCS := xapi-lite/rrd.c xapi-lite/rrd_out.c xapi-lite/rrd_file.c
$(eval $(call c-test,test_rrd,tests/unit/test_rrd.c $(RRD_SRCS)))
$(eval $(call c-test,test_stats,tests/unit/test_stats.c xapi-lite/stats.c $(RRD_SRCS) xapi-lite/db.c xapi-lite/hval.c xapi-lite/model.c))
$(eval $(call c-fuzz,fuzz_rrd,tests/fuzz/fuzz_rrd.c $(RRD_SRCS)))
$(eval $(call c-fuzz,fuzz_cmdline,tests/fuzz/fuzz_cmdline.c))
$(eval $(call c-test,test_kvline,tests/unit/test_kvline.c))
$(eval $(call c-fuzz,fuzz_kvline,tests/fuzz/fuzz_kvline.c))
$(eval $(call c-fuzz,fuzz_json,tests/fuzz/fuzz_json.c))
$(eval $(call c-fuzz,fuzz_xmlrpc,tests/fuzz/fuzz_xmlrpc.c))
$(eval $(call c-fuzz,fuzz_tar,tests/fuzz/fuzz_tar.c))
$(eval $(call c-fuzz,fuzz_xva_ova,tests/fuzz/fuzz_xva_ova.c xapi-lite/xva_ova.c xapi-lite/db.c xapi-lite/hval.c xapi-lite/model.c))
$(eval $(call c-fuzz,fuzz_http,tests/fuzz/fuzz_http.c))
$(eval $(call c-fuzz,fuzz_disks,tests/fuzz/fuzz_disks.c xapi-lite/disks.c))
$(eval $(call c-fuzz,fuzz_xlparse,tests/fuzz/fuzz_xlparse.c xapi-lite/xlparse.c))
$(eval $(call c-fuzz,fuzz_lsblk,tests/fuzz/fuzz_lsblk.c xapi-lite/lsblk.c))
$(eval $(call c-fuzz,fuzz_xs,tests/fuzz/fuzz_xs.c))
$(eval $(call c-fuzz,fuzz_fetch,tests/fuzz/fuzz_fetch.c installer/fetch.c installer/report.c))
$(eval $(call c-fuzz,fuzz_answerfile,tests/fuzz/fuzz_answerfile.c installer/answerfile.c installer/validate.c))
$(eval $(call c-fuzz,fuzz_sums,tests/fuzz/fuzz_sums.c installer/sums.c))
$(eval $(call c-test,test_bootslots,tests/unit/test_bootslots.c installer/bootslots.c))
$(eval $(call c-fuzz,fuzz_options,tests/fuzz/fuzz_options.c installer/options.c))
$(eval $(call c-fuzz,fuzz_mac,tests/fuzz/fuzz_mac.c))
$(eval $(call c-fuzz,fuzz_inet,tests/fuzz/fuzz_inet.c))
$(eval $(call c-fuzz,fuzz_xenapi_reply,tests/fuzz/fuzz_xenapi_reply.c console-ui/xenapi.c))
$(eval $(call c-fuzz,fuzz_vhd,tests/fuzz/fuzz_vhd.c))
$(eval $(call c-fuzz,fuzz_journal,tests/fuzz/fuzz_journal.c xapi-lite/journal_load.c xapi-lite/journal.c xapi-lite/db.c xapi-lite/hval.c xapi-lite/model.c))
# WebSocket framing (lib/ws.c), for the browser consoles.
$(eval $(call c-test,test_ws,tests/unit/test_ws.c))
$(eval $(call c-fuzz,fuzz_ws,tests/fuzz/fuzz_ws.c))
# The one XML tokenizer (lib/xml.c) that XML-RPC and the answerfile read through.
$(eval $(call c-test,test_xml,tests/unit/test_xml.c))
$(eval $(call c-fuzz,fuzz_xml,tests/fuzz/fuzz_xml.c))
# The sampler's reader of xentop's batch output (issue 15's stats).
$(eval $(call c-test,test_xentop,tests/unit/test_xentop.c xapi-lite/xentop.c))
$(eval $(call c-fuzz,fuzz_xentop,tests/fuzz/fuzz_xentop.c xapi-lite/xentop.c))

# Boot menus (lib/bootmenu.c): the renderer, the installed disk's menus, and atoll-bootmenu
# (the ISO's) with sanitizers for its golden files.
$(eval $(call c-test,test_bootmenu,tests/unit/test_bootmenu.c))
$(eval $(call c-test,test_bootcfg,tests/unit/test_bootcfg.c installer/bootcfg.c))
$(B)/tests/atoll-bootmenu: iso/bootmenu.c $(LIB_SRCS) | $(B)/host-packages.stamp
	@mkdir -p $(@D)
	@echo "  CC      $@ (sanitizers)"
	@$(call list-headers,$(HOSTCC) $(WARN) $(SANITIZE) -Ilib,iso/bootmenu.c $(LIB_SRCS))
	@$(HOSTCC) $(WARN) $(SANITIZE) -Ilib -o $@ iso/bootmenu.c $(LIB_SRCS)

# atoll-bootopts built with sanitizers for its golden-file tests.
$(B)/tests/atoll-bootopts: dom0-rootfs/bootopts.c $(LIB_SRCS) | $(B)/host-packages.stamp
	@mkdir -p $(@D)
	@echo "  CC      $@ (sanitizers)"
	@$(call list-headers,$(HOSTCC) $(WARN) $(SANITIZE) -Ilib,dom0-rootfs/bootopts.c $(LIB_SRCS))
	@$(HOSTCC) $(WARN) $(SANITIZE) -Ilib -o $@ dom0-rootfs/bootopts.c $(LIB_SRCS)

# atoll-pxe likewise, with the Xen and dom0 options it ships with.
$(B)/tests/atoll-pxe: $(PXE_SRCS) $(wildcard pxe/*.h) $(LIB_SRCS) config.mk \
		| $(B)/host-packages.stamp
	@mkdir -p $(@D)
	@echo "  CC      $@ (sanitizers)"
	@$(call list-headers,$(HOSTCC) $(WARN) $(SANITIZE) $(PXE_CFLAGS) -Ilib,$(PXE_SRCS) $(LIB_SRCS))
	@$(HOSTCC) $(WARN) $(SANITIZE) $(PXE_CFLAGS) -Ilib -o $@ $(PXE_SRCS) $(LIB_SRCS)

# Every shell script we ship or build with, linted as POSIX sh.
SHELL_SCRIPTS := $(wildcard mk/*.sh iso/*.sh dom0-rootfs/*.sh tests/*.sh tests/*/*.sh) \
	dom0-rootfs/guest/init dom0-rootfs/overlay/usr/lib/atoll/console-login \
	dom0-rootfs/overlay/usr/lib/atoll/console-getty \
	dom0-rootfs/overlay/usr/lib/atoll/xapi-lite-run \
	dom0-rootfs/overlay/usr/lib/atoll/ntpd-run \
	dom0-rootfs/overlay/usr/lib/atoll/udhcpc.script \
	dom0-rootfs/overlay/usr/lib/atoll/host-config \
	dom0-rootfs/overlay/usr/lib/atoll/host-cert \
	dom0-rootfs/overlay/usr/lib/atoll/sshd-run \
	dom0-rootfs/overlay/usr/lib/atoll/console-run \
	dom0-rootfs/overlay/usr/lib/atoll/bin/atoll-bugreport \
	$(wildcard dom0-rootfs/overlay/usr/lib/atoll/boot/*) \
	$(wildcard hypervisor/*.sh)

FUZZ_SECONDS	?= 15
TEST_LOGS	:= $(OUT)/test-logs

.PHONY: check test fuzz test-system test-api test-console
check: $(UNIT_TESTS) $(B)/tests/atoll-bootopts $(B)/tests/atoll-bootmenu $(B)/tests/atoll-pxe \
		test-api test-console
	@for t in $(UNIT_TESTS); do echo "== $$t"; $$t || exit 1; done
	@echo "== atoll-bootopts golden files"; tests/dom0-rootfs/test_bootopts.sh $(B)/tests/atoll-bootopts
	@echo "== boot menus golden files"; tests/iso/test_bootmenu.sh $(B)/tests/atoll-bootmenu
	@echo "== atoll-pxe golden files"; tests/pxe/test_atoll_pxe.sh $(B)/tests/atoll-pxe
	@echo "== build errors"; tests/mk/test_build_errors.sh
	@echo "== host-cert"; tests/dom0-rootfs/test_host_cert.sh dom0-rootfs/overlay/usr/lib/atoll/host-cert
	@echo "== shellcheck"; shellcheck -s sh -e SC1091 $(SHELL_SCRIPTS) && echo ok

# Two targets at a time (each keeps one core busy), each from its committed corpus.
fuzz: $(FUZZ_TARGETS)
	@printf '%s\n' $(FUZZ_TARGETS) | B=$(B) FUZZ_SECONDS=$(FUZZ_SECONDS) \
		xargs -n 1 -P 2 tests/fuzz/run-one.sh

# xapi-lite built with sanitizers, for the API tests: any memory error or leak fails them.
XAPI_TEST_BIN := $(B)/tests/xapi-lite
# The compiler for it and for the console's test build: sanitizers, the version they report.
TEST_PROGRAM_CC = $(HOSTCC) $(WARN) $(SANITIZE) -DATOLL_VERSION='"$(ATOLL_VERSION)"' -Ilib
$(XAPI_TEST_BIN): $(XAPI_SRCS) $(LIB_SRCS) $(wildcard xapi-lite/*.h xapi-lite/*.def lib/*.h) \
		| $(B)/host-packages.stamp
	@mkdir -p $(@D)
	@echo "  CC      $@ (sanitizers)"
	@$(call list-headers,$(TEST_PROGRAM_CC),$(XAPI_SRCS) $(LIB_SRCS))
	@$(TEST_PROGRAM_CC) -o $@ $(XAPI_SRCS) $(LIB_SRCS)

# xapi-lite with the simulated host, driven by real XenAPI clients. The memory tests
# (test_hostile.py) measure the release build: resident sizes mean nothing under ASan.
# Two at a time (tests/parallel.py), the longest first.
API_TESTS_FIRST := test_vhd test_hostile test_import test_shutdown
API_TESTS := $(API_TESTS_FIRST) \
	$(filter-out $(API_TESTS_FIRST),$(basename $(notdir $(wildcard tests/api/test_*.py))))
test-api: $(XAPI_TEST_BIN) $(OUT)/bin/xapi-lite
	@echo "== API tests (xapi-lite --backend sim, sanitizers; memory tests on the release build)"
	@XAPI_LITE=$(XAPI_TEST_BIN) XAPI_LITE_RELEASE=$(OUT)/bin/xapi-lite \
		PYTHONPATH=tests/api tests/parallel.py 2 $(API_TESTS)

# atoll-console with sanitizers, driven in tmux against the simulated host.
CONSOLE_TEST_BIN := $(B)/tests/atoll-console
$(CONSOLE_TEST_BIN): $(CONSOLE_SRCS) $(wildcard console-ui/*.h) $(LIB_SRCS) \
		| $(B)/host-packages.stamp
	@mkdir -p $(@D)
	@echo "  CC      $@ (sanitizers)"
	@$(call list-headers,$(TEST_PROGRAM_CC),$(CONSOLE_SRCS) $(LIB_SRCS))
	@$(TEST_PROGRAM_CC) -o $@ $(CONSOLE_SRCS) $(LIB_SRCS)

test-console: $(CONSOLE_TEST_BIN) $(XAPI_TEST_BIN)
	@echo "== console tests (atoll-console in tmux, xapi-lite --backend sim)"
	@ATOLL_CONSOLE=$(CONSOLE_TEST_BIN) XAPI_LITE=$(XAPI_TEST_BIN) ATOLL_LOGS=$(TEST_LOGS) \
		PYTHONPATH=tests/api:tests/system python3 -W ignore -m unittest discover -v \
		-s tests/console -p 'test_*.py'

# One emulated host at a time: two at once slow each other's dom0 past libxl's hotplug
# timeouts. tests/parallel.py runs each unit in its own process and sums up their times.
SYSTEM_TESTS := test_upgrade.Upgrade.test_bios_upgrade_rollback_and_failed_trials \
	test_install.UnattendedInstall.test_bios_install_static_network_and_hooks \
	test_xapi test_install.UnattendedInstall.test_uefi_install_from_the_iso_over_https \
	test_pxe test_interactive test_live test_install.* test_upgrade.* test_console_serial
# The upgrade tests' second image: the same tree as a newer version, built apart (make
# tracks files, not ATOLL_VERSION). make upgrade-image UPGRADE_VERSION=... builds another.
UPGRADE_VERSION	?= $(ATOLL_VERSION).1
UPGRADE_OUT	:= $(OUT)/upgrade
.PHONY: upgrade-image
upgrade-image:
	@echo "== the upgrade tests' image: Atoll $(UPGRADE_VERSION) in $(UPGRADE_OUT)"
	@$(MAKE) --no-print-directory iso OUT=$(UPGRADE_OUT) ATOLL_VERSION=$(UPGRADE_VERSION)

test-system: $(ISO) pxe upgrade-image
	@echo "== system tests (QEMU, TCG): serial logs in $(TEST_LOGS)"
	@set -f; ATOLL_ISO=$(ISO) ATOLL_LOGS=$(TEST_LOGS) PXE_TREE=$(PXE_TREE) \
		ATOLL_UPGRADE_TREE=$(UPGRADE_OUT)/boot \
		ATOLL_PXE=$(OUT)/bin/atoll-pxe PYTHONPATH=tests/system \
		tests/parallel.py 1 --all tests/system $(SYSTEM_TESTS)

test: check fuzz test-system
