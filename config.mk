# Build settings. Override on the command line (make CACHE=/srv/cache iso), never by editing
# the Makefile.

ATOLL_VERSION	?= 0.1.0

# Where Debian packages are cached between builds; make clean leaves it alone.
CACHE		?= $(HOME)/.cache/atoll
# Everything the build writes.
OUT		?= out
B		:= $(OUT)/build

# Fixed timestamps for reproducible images (Alpine's mkimage does the same).
SOURCE_DATE_EPOCH ?= 1767225600
export SOURCE_DATE_EPOCH

# Xen's command line on every boot path; consoles are added per menu entry.
XEN_CMDLINE	?= dom0_mem=768M,max:768M
# dom0 kernel's command line on every boot path; consoles are added per menu entry.
DOM0_CMDLINE	?= quiet

# Compiler for our programs: static musl, warnings are errors.
CC		:= musl-gcc
CFLAGS		?= -O2
WARN		:= -std=c11 -D_DEFAULT_SOURCE -pedantic -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
		   -Wcast-qual -Wpointer-arith -Werror
# Host compiler for unit tests, with sanitizers.
HOSTCC		?= gcc
SANITIZE	:= -fsanitize=address,undefined -fno-omit-frame-pointer -g
