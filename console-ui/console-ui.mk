# atoll-console: the host's text console (see console-ui/main.c), in the dom0 image.

CONSOLE_SRCS := $(wildcard console-ui/*.c)

$(eval $(call c-program,atoll-console,$(CONSOLE_SRCS)))

$(B)/obj/console-ui/main.o: CFLAGS += -DATOLL_VERSION='"$(ATOLL_VERSION)"'
$(B)/obj/console-ui/main.o: config.mk
