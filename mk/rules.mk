# Rules shared by every component: our C programs, their unit tests and fuzz targets.
#
# $(call c-program,NAME,SOURCES)   out/bin/NAME, static musl, warnings are errors
# $(call c-test,NAME,SOURCES)      $(B)/tests/NAME, host cc with sanitizers, run by make check
# $(call c-fuzz,NAME,SOURCES)      $(B)/fuzz/NAME, a libFuzzer target, run briefly by make test

LIB_SRCS := $(wildcard lib/*.c)

# Header-only libraries from Debian packages, seen by musl-gcc (which leaves the host's
# /usr/include out) through a directory of their own.
HEADER_LIBS := xxhash.h
$(B)/include/%.h: | $(B)/host-packages.stamp
	@mkdir -p $(@D)
	@cp /usr/include/$*.h $@
.SECONDARY: $(addprefix $(B)/include/,$(HEADER_LIBS))

$(B)/obj/%.o: %.c | $(B)/host-packages.stamp $(addprefix $(B)/include/,$(HEADER_LIBS))
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(WARN) -Ilib -isystem $(B)/include -MMD -MP -c -o $@ $<

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

define c-program
$(OUT)/bin/$(1): $(patsubst %.c,$(B)/obj/%.o,$(2) $(LIB_SRCS))
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	@$(CC) -static -o $$@.tmp $$^ && mv $$@.tmp $$@

PROGRAMS += $(OUT)/bin/$(1)
endef

# lib/ built once per flavour (sanitizers; libFuzzer) into an archive every test and fuzz
# target links, rather than compiled again into each of them.
LIB_TEST_A := $(B)/tests/lib/libatoll.a
LIB_FUZZ_A := $(B)/fuzz/lib/libatoll.a
$(B)/tests/lib/%.o: lib/%.c | $(B)/host-packages.stamp
	@mkdir -p $(@D)
	@$(HOSTCC) $(WARN) $(SANITIZE) -Ilib -MMD -MP -c -o $@ $<
$(B)/fuzz/lib/%.o: lib/%.c | $(B)/host-packages.stamp
	@mkdir -p $(@D)
	@clang -g -O1 -D_DEFAULT_SOURCE -fsanitize=fuzzer-no-link,address,undefined -Ilib \
		-MMD -MP -c -o $@ $<
$(LIB_TEST_A): $(patsubst lib/%.c,$(B)/tests/lib/%.o,$(LIB_SRCS))
$(LIB_FUZZ_A): $(patsubst lib/%.c,$(B)/fuzz/lib/%.o,$(LIB_SRCS))
$(LIB_TEST_A) $(LIB_FUZZ_A):
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^
-include $(wildcard $(B)/tests/lib/*.d $(B)/fuzz/lib/*.d)

# Tests and fuzz targets compile and link in one command, where -MMD cannot list their
# headers: given several sources, gcc and clang write one NAME.d that each source in turn
# overwrites. So their recipes first list every source's headers in $@.d (-MM -MP, the
# same flags), which make reads back: editing lib/buf.h rebuilds the tests that include it.
# $(call list-headers,COMPILER AND FLAGS,SOURCES) is a recipe line. The sources get empty
# rules too (as -MP gives the headers), so one removed or renamed does not stop the build.
list-headers = { $(1) -MM -MP -MT $@ $(2) && printf '%s:\n' $(2); } >$@.d.tmp && \
	mv $@.d.tmp $@.d
-include $(wildcard $(B)/tests/*.d $(B)/fuzz/*.d)

TEST_CFLAGS = $(WARN) $(SANITIZE) -Ilib -Itests -Ixapi-lite -Iinstaller -Ipxe -Iconsole-ui
FUZZ_CFLAGS = -g -O1 -D_DEFAULT_SOURCE -fsanitize=fuzzer,address,undefined \
	-Ilib -Ixapi-lite -Iinstaller -Ipxe -Iconsole-ui

define c-test
$(B)/tests/$(1): $(2) $(LIB_TEST_A) tests/tap.h $(wildcard xapi-lite/*.def) | $(B)/host-packages.stamp
	@mkdir -p $$(@D)
	@echo "  CC      $$@ (sanitizers)"
	@$$(call list-headers,$$(HOSTCC) $$(TEST_CFLAGS),$(2))
	@$$(HOSTCC) $$(TEST_CFLAGS) -o $$@ $(2) $(LIB_TEST_A)

UNIT_TESTS += $(B)/tests/$(1)
endef

define c-fuzz
$(B)/fuzz/$(1): $(2) $(LIB_FUZZ_A) | $(B)/host-packages.stamp
	@mkdir -p $$(@D)
	@echo "  CC      $$@ (libFuzzer)"
	@$$(call list-headers,clang $$(FUZZ_CFLAGS),$(2))
	@clang $$(FUZZ_CFLAGS) -o $$@ $(2) $(LIB_FUZZ_A)

FUZZ_TARGETS += $(B)/fuzz/$(1)
endef
