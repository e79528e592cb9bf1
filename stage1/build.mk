# stage1: the init binary (static unless STAGE1_STATIC=no, which the asan
# target sets: sanitizers need dynamic linking) and the stage1.aci holding
# it. The other stage1 objects also make libstage1.a for the unit tests
# t/unit/stage1-*.c.

STAGE1_STATIC ?= yes
STAGE1_SRC := $(wildcard stage1/*.c)
STAGE1_OBJ := $(STAGE1_SRC:%.c=$(O)/obj/%.o)
STAGE1_LIB := $(O)/stage1/libstage1.a
STAGE1_LIBS := -lseccomp -lcap
STAGE1_ARCH := $(shell uname -m | sed -e 's/x86_64/amd64/' -e 's/i.86/i386/')
ifeq ($(STAGE1_STATIC),no)
STAGE1_LDFLAGS := $(ALL_LDFLAGS)
else
STAGE1_LDFLAGS := -static $(LDFLAGS)
endif

EXTRA_TARGETS += $(O)/stage1/init $(O)/lib/rkt/stage1.aci

$(STAGE1_LIB): $(filter-out $(O)/obj/stage1/init.o,$(STAGE1_OBJ))
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/stage1/init: $(O)/obj/stage1/init.o $(STAGE1_LIB) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(STAGE1_LDFLAGS) -o $@ $< $(STAGE1_LIB) $(LIBCOMMON) $(STAGE1_LIBS)

# The ACI: manifest + rootfs/init (and rootfs/enter, the same program run
# by pod-enter), packed by aci-build reproducibly (owner
# root, pinned mtime). pod-prepare makes rootfs/opt/stage2/<app>/rootfs.
$(O)/lib/rkt/stage1.aci: $(O)/stage1/init stage1/manifest.json $(O)/bin/aci-build
	@mkdir -p $(@D)
	rm -rf $(O)/stage1/aci && mkdir -p $(O)/stage1/aci/rootfs
	sed -e 's|@RKT_VERSION@|$(RKT_VERSION)|' -e 's|@ARCH@|$(STAGE1_ARCH)|' stage1/manifest.json >$(O)/stage1/aci/manifest
	cp $(O)/stage1/init $(O)/stage1/aci/rootfs/init
	ln -s init $(O)/stage1/aci/rootfs/enter
	chmod 755 $(O)/stage1/aci/rootfs/init $(O)/stage1/aci/rootfs
	chmod 644 $(O)/stage1/aci/manifest
	$(O)/bin/aci-build --owner-root --mtime=0 --overwrite $(O)/stage1/aci $@

# Unit tests of stage1's pure parts link against its objects.
$(O)/obj/t/unit/stage1-%.o: ALL_CPPFLAGS += -Istage1
$(O)/t/unit/stage1-%.t: $(O)/obj/t/unit/stage1-%.o $(STAGE1_LIB) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STAGE1_LIB) $(LIBCOMMON) $(LDLIBS_ALL)
