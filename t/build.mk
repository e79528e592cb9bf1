# Fuzzing (issue 8): libFuzzer targets t/fuzz/fuzz-*.c, built with clang in
# their own tree, each run for FUZZ_TIME seconds from seeds that
# t/fuzz/seeds.sh makes (the manifest fixtures of t/data, small archives
# made with tar). A crash leaves its input in build-fuzz/ and fails.

FUZZ_TARGETS := $(patsubst t/fuzz/%.c,%,$(wildcard t/fuzz/fuzz-*.c))
FUZZ_TIME ?= 20
FUZZ_CC ?= clang-14
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined

fuzz:
	$(MAKE) O=build-fuzz CC=$(FUZZ_CC) STAGE1_STATIC=no \
	  CFLAGS='-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)' LDFLAGS='$(FUZZ_SAN)' \
	  $(FUZZ_TARGETS:%=build-fuzz/fuzz/%)
	@sh t/fuzz/seeds.sh build-fuzz/corpus
	@for t in $(FUZZ_TARGETS); do \
	  echo "== $$t ($(FUZZ_TIME)s)"; \
	  (cd build-fuzz && ./fuzz/$$t -max_total_time=$(FUZZ_TIME) -rss_limit_mb=2048 \
	     -print_final_stats=1 corpus/$$t 2>&1 | grep -E 'stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY|crash-' ) ; \
	  ls build-fuzz/crash-* build-fuzz/leak-* build-fuzz/timeout-* 2>/dev/null && exit 1; \
	done; true
.PHONY: fuzz

$(O)/fuzz/%: $(O)/obj/t/fuzz/%.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(QCC) LD $@
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(ALL_LDFLAGS) -o $@ $< $(LIBCOMMON) $(LDLIBS_ALL)
