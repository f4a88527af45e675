# The dom0 image: busybox, Debian's Xen toolstack with the glibc runtime it needs, kernel
# modules, our start-up scripts and programs, and the demo guest. mkrootfs.sh assembles it.

DOM0_PACKAGES := busybox-static xen-utils-4.17 xen-utils-common xenstore-utils bash util-linux \
	libc6 libgcc-s1 libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1 \
	libxengnttab1 libxenhypfs1 libxenmisc4.17 libxenstore4 libxentoolcore1 libxentoollog1 \
	libyajl2 libncurses6 libtinfo6 libuuid1 zlib1g libzstd1 liblzma5 \
	stunnel4 openssl libssl3 libwrap0 libsystemd0 libcap2 libgcrypt20 libgpg-error0 \
	liblz4-1 libnsl2 libtirpc3 libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 \
	libcom-err2 libkeyutils1 \
	qemu-system-xen qemu-system-data seabios ipxe-qemu libfdt1 libglib2.0-0 libjpeg62-turbo libpixman-1-0 \
	libspice-server1 libusb-1.0-0 libgstreamer1.0-0 libgstreamer-plugins-base1.0-0 \
	liborc-0.4-0 libopus0 libsasl2-2 libdb5.3 libffi8 libpcre2-8-0 libmount1 libblkid1 \
	libselinux1 libstdc++6 libunwind8 libdw1 libelf1 libbz2-1.0 libudev1 \
	fdisk libfdisk1 libsmartcols1 libncursesw6 libreadline8 dosfstools e2fsprogs libext2fs2 \
	libss2 extlinux syslinux-common ca-certificates tzdata console-data kbd dialog \
	ncurses-base openntpd netbase mdadm dropbear-bin libcrypt1 libtomcrypt1 libtommath1 libgmp10 \
	xfsprogs libinih1 liburcu8 zstd lz4

$(eval $(call debian-group,dom0,$(DOM0_PACKAGES)))

$(eval $(call c-program,atoll-bootopts,dom0-rootfs/bootopts.c))

DOM0_PROGRAMS	:= $(OUT)/bin/atoll-bootopts $(OUT)/bin/xapi-lite $(OUT)/bin/atoll-install \
	$(OUT)/bin/atoll-console
DOM0_SOURCES	:= $(shell find dom0-rootfs -type f ! -name '*.c' ! -name '*.mk')

$(OUT)/boot/dom0.img: $(B)/debs/dom0/.extracted $(KERNEL_ROOT)/.extracted $(DOM0_SOURCES) \
		$(DOM0_PROGRAMS) hypervisor/kernel-gz.sh config.mk
	@echo "  DOM0    $@"
	@dom0-rootfs/mkrootfs.sh $(B)/debs/dom0 $(KERNEL_ROOT) $(B)/dom0 $(ATOLL_VERSION) $@ \
		$(DOM0_PROGRAMS)
