# rkt as small Unix tools. Plain GNU make: every cmd/<tool>/ with C files is a
# tool, common/*.c is libcommon.a, t/unit/*.c are TAP unit tests. A folder may
# add rules in its own build.mk (included below), so tools never edit this file.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
RKTLIBDIR  ?= $(PREFIX)/lib/rkt
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR    ?=
O          ?= build
RKT_VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

CC      ?= cc
# Quiet by default; V=1 shows the full commands.
ifeq ($(V),1)
Q :=
QCC = @true
else
Q := @
QCC = @printf '  %-6s %s\n'
endif
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -std=gnu11
PKGS    := libarchive libcurl gpgme libcrypto libxxhash libseccomp libcap
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CPPFLAGS = -D_GNU_SOURCE -Icommon -I$(O)/gen $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(WARN) $(CFLAGS) -fno-strict-aliasing
ALL_LDFLAGS  = -Wl,--as-needed $(LDFLAGS)
LDLIBS_ALL   = $(PKG_LIBS) $(LDLIBS)

COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(O)/obj/%.o)
LIBCOMMON  := $(O)/libcommon.a

# C tools: cmd/<name>/*.c -> $(O)/bin/<name>. Script tools: cmd/<name>/<name> (no .c).
C_TOOLS      := $(sort $(patsubst cmd/%/,%,$(dir $(wildcard cmd/*/*.c))))
SCRIPT_TOOLS := $(sort $(filter-out $(C_TOOLS),$(patsubst cmd/%/,%,$(dir $(wildcard cmd/*/*)))))
BINS := $(C_TOOLS:%=$(O)/bin/%) $(SCRIPT_TOOLS:%=$(O)/bin/%)

UNIT_SRC   := $(wildcard t/unit/*.c)
UNIT_TESTS := $(UNIT_SRC:t/unit/%.c=$(O)/t/unit/%.t)

MAN_SRC := $(wildcard man/*.[157])

# Extra targets a build.mk may add to (stage1.aci, test helpers ...).
EXTRA_TARGETS :=

.PHONY: all check test asan valgrind bench deps install uninstall clean format tidy FORCE
# Objects are kept (not deleted as intermediates), so rebuilds stay incremental.
.SECONDARY:
all: build-all

-include $(wildcard cmd/*/build.mk) $(wildcard stage1/build.mk) $(wildcard t/build.mk)

build-all: $(BINS) $(UNIT_TESTS) $(EXTRA_TARGETS)
.PHONY: build-all

# Paths compiled in from PREFIX; rewritten only when they change.
$(O)/gen/config.h: FORCE
	@mkdir -p $(@D)
	@{ echo '#define RKT_PREFIX "$(PREFIX)"'; \
	   echo '#define RKT_LIBDIR "$(RKTLIBDIR)"'; \
	   echo '#define RKT_STAGE1_DEFAULT "$(RKTLIBDIR)/stage1.aci"'; \
	   echo '#define RKT_SYSTEM_CONFIG "$(PREFIX)/lib/rkt"'; \
	   echo '#define RKT_LOCAL_CONFIG "$(SYSCONFDIR)/rkt"'; \
	   echo '#define RKT_VERSION "$(RKT_VERSION)"'; \
	} > $@.tmp; cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(O)/obj/%.o: %.c $(O)/gen/config.h
	@mkdir -p $(@D)
	$(QCC) CC $<
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBCOMMON): $(COMMON_OBJ)
	@rm -f $@
	$(QCC) AR $@
	$(Q)$(AR) rcs $@ $^

define c_tool
$(O)/bin/$(1): $(patsubst %.c,$(O)/obj/%.o,$(wildcard cmd/$(1)/*.c)) $(LIBCOMMON)
	@mkdir -p $$(@D)
	$$(QCC) LD $$@
	$$(Q)$$(CC) $$(ALL_CFLAGS) $$(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(LIBCOMMON) $$(LDLIBS_ALL)
endef
$(foreach t,$(C_TOOLS),$(eval $(call c_tool,$(t))))

define script_tool
$(O)/bin/$(1): cmd/$(1)/$(1) $(O)/gen/config.h
	@mkdir -p $$(@D)
	sed -e 's|@RKT_LIBDIR@|$(RKTLIBDIR)|g' -e 's|@RKT_VERSION@|$(RKT_VERSION)|g' $$< > $$@.tmp && chmod 755 $$@.tmp && mv $$@.tmp $$@
endef
$(foreach t,$(SCRIPT_TOOLS),$(eval $(call script_tool,$(t))))

$(O)/t/unit/%.t: $(O)/obj/t/unit/%.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(QCC) LD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCOMMON) $(LDLIBS_ALL)

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)

# The test command of the README. RKT_TEST_JOBS tunes prove's parallelism;
# TESTS=t/tNNNN-x.t runs some scripts only (also for make asan).
RKT_TEST_JOBS ?= 2
TESTS ?= $(O)/t/unit/ t/
check: build-all
	prove -j$(RKT_TEST_JOBS) --timer $(TESTS)
test: check

# The whole suite under AddressSanitizer, LeakSanitizer and UBSan, built by
# clang in a tree of its own (build-asan/); the shell tests find it through
# RKT_BUILD_DIR. Every report goes to a file in build-asan/reports (a test
# may discard a tool's stderr or expect it to fail), and any report fails
# the target.
ASAN_CC    ?= clang-14
ASAN_DIR   := $(CURDIR)/build-asan
ASAN_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_ENV   := RKT_BUILD_DIR=$(ASAN_DIR) \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$(ASAN_DIR)/reports/asan \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(ASAN_DIR)/reports/ubsan
asan:
	@rm -rf $(ASAN_DIR)/reports && mkdir -p $(ASAN_DIR)/reports
	@$(ASAN_ENV) $(MAKE) O=build-asan CC=$(ASAN_CC) STAGE1_STATIC=no \
	  CFLAGS='-O1 -g -fno-omit-frame-pointer $(ASAN_SAN)' LDFLAGS='$(ASAN_SAN)' check; rc=$$?; \
	if [ -n "$$(ls $(ASAN_DIR)/reports)" ]; then \
	  cat $(ASAN_DIR)/reports/*; echo "asan: $$(ls $(ASAN_DIR)/reports | wc -l) reports in $(ASAN_DIR)/reports"; exit 1; \
	fi; exit $$rc

# pod-run and pod-enter under valgrind's memcheck, from the normal build
# (t/valgrind/: not under prove t/, since the asan build cannot run there).
valgrind: build-all
	prove --timer t/valgrind/

bench: build-all
	@for s in t/perf/*.sh; do echo "== $$s"; bash $$s || exit 1; done

# Debian build and test dependencies; idempotent.
DEPS := $(shell sed 's/\#.*//' .ci/packages)
deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEPS)

install: build-all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(RKTLIBDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	@if [ -d $(O)/lib/rkt ] && [ -n "$$(ls $(O)/lib/rkt)" ]; then cp -R $(O)/lib/rkt/. $(DESTDIR)$(RKTLIBDIR)/; fi
	@for m in $(MAN_SRC); do s=$${m##*.}; echo install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	  install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done

uninstall:
	rm -f $(C_TOOLS:%=$(DESTDIR)$(BINDIR)/%) $(SCRIPT_TOOLS:%=$(DESTDIR)$(BINDIR)/%)
	rm -rf $(DESTDIR)$(RKTLIBDIR)
	@for m in $(MAN_SRC); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

tidy:
	clang-tidy $$(git ls-files 'common/*.c' 'cmd/*.c') -- $(ALL_CPPFLAGS) -std=gnu11

clean:
	rm -rf $(O) build-asan build-fuzz

example: build-all
	sh t/example.sh
.PHONY: example
