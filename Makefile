# atip: plain make + pkg-config.  `make` builds ./atip; `make help` lists more.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SHAREDIR ?= $(PREFIX)/share/atip
UNITDIR ?= /lib/systemd/system
DESTDIR ?=

PKGS := libmicrohttpd jansson sqlite3 libpq icu-uc icu-i18n libsodium liboath libqrencode libmagic libcmark libcurl xlsxwriter libseccomp
CC ?= cc
CXX ?= g++
OPT ?= -O2 -g
WARN := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wvla -Wformat=2 \
	-fstack-protector-strong
# The C++ shims (src/*/*.cc, over C++-only libraries) as near as C++ allows.
CXXWARN := -std=c++17 -Wall -Wextra -Wshadow -Wformat=2 \
	-fstack-protector-strong
BUILD ?= build
ifeq ($(SAN),1)
HARDEN := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
else
HARDEN := -D_FORTIFY_SOURCE=2 -fPIE
LDHARDEN := -pie -Wl,-z,relro,-z,now
endif
ifeq ($(WERROR),1)
WARN += -Werror
CXXWARN += -Werror
endif

CPPFLAGS += -D_GNU_SOURCE -Isrc $(shell pkg-config --cflags $(PKGS))
CFLAGS += $(OPT) $(WARN) $(HARDEN) -MMD -MP
CXXFLAGS += $(OPT) $(CXXWARN) $(HARDEN) -MMD -MP
LDFLAGS += $(HARDEN) $(LDHARDEN)
# libphonenumber (no pkg-config file) is C++: the C link adds its runtime.
LDLIBS += $(shell pkg-config --libs $(PKGS)) -lphonenumber -lcsv -lpthread \
	-lm -lstdc++

SRC := $(wildcard src/*/*.c) src/routes.c
CXXSRC := $(wildcard src/*/*.cc)
GEN := $(BUILD)/gen/blocklist.c $(BUILD)/gen/gazetteer.c $(BUILD)/gen/translit.c
OBJ := $(SRC:%.c=$(BUILD)/%.o) $(CXXSRC:%.cc=$(BUILD)/%.o) $(GEN:.c=.o)
MAIN := $(BUILD)/src/main.o
UNIT := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all check-src format install clean help unit fuzz

all: atip

atip: $(BUILD)/atip
ifeq ($(BUILD),build)
	cp $< $@.tmp && mv -f $@.tmp $@
endif

$(BUILD)/atip: $(OBJ) $(MAIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

# The common-password list, compiled in (data/passwords/README.md).
$(BUILD)/gen/blocklist.c: data/passwords/john-password.lst scripts/gen-blocklist
	@mkdir -p $(dir $@)
	scripts/gen-blocklist $< > $@

$(BUILD)/gen/blocklist.o: $(BUILD)/gen/blocklist.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -c -o $@ $<

# The district gazetteer, compiled in (data/gazetteer/README.md).  Written
# to a temporary first so that a refused TSV leaves no stale output.
$(BUILD)/gen/gazetteer.c: data/gazetteer/districts.tsv scripts/gen-gazetteer
	@mkdir -p $(dir $@)
	scripts/gen-gazetteer $< > $@.tmp && mv -f $@.tmp $@

$(BUILD)/gen/gazetteer.o: $(BUILD)/gen/gazetteer.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# CLDR's Sinhala-Latin rules, which ICU 72 lacks (data/translit/README.md).
$(BUILD)/gen/translit.c: data/translit/Sinhala-Latin.xml scripts/gen-translit
	@mkdir -p $(dir $@)
	scripts/gen-translit $< link_sinhala_rules > $@.tmp && mv -f $@.tmp $@

$(BUILD)/gen/translit.o: $(BUILD)/gen/translit.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -c -o $@ $<

# Unit tests (cmocka).  A test may #include the .c it tests: name that
# file's object in INCLUDED_<test> so it is not linked twice.
INCLUDED_jobs := src/jobs/jobs.o
INCLUDED_linkage := src/linkage/link_match.o src/linkage/link_block.o
unit: $(UNIT)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< \
		$(filter-out $(addprefix $(BUILD)/,$(INCLUDED_$*)),$(OBJ)) \
		$(LDLIBS) -lcmocka

# libFuzzer targets (clang), with ASan and UBSan.  The C++ shims are
# compiled apart (clang++, instrumented but not given libFuzzer's main) and
# linked in; vptr checks would need the C++ UBSan runtime the C link lacks.
FUZZ := $(patsubst fuzz/%.c,build/fuzz/%,$(wildcard fuzz/fuzz_*.c))
FUZZ_SRC := $(filter-out src/main.c,$(SRC))
FUZZ_CXXOBJ := $(CXXSRC:src/%.cc=build/fuzz/obj/%.o)
fuzz: $(FUZZ)

build/fuzz/obj/%.o: src/%.cc
	@mkdir -p $(dir $@)
	clang++ -g -O1 -std=c++17 -D_GNU_SOURCE -Isrc \
		$(shell pkg-config --cflags $(PKGS)) \
		-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr \
		-c -o $@ $<

# The targets of client input run against atip as it serves: they link
# fuzz/app_fuzz.c, whose LLVMFuzzerInitialize starts it.
FUZZ_APP := $(addprefix build/fuzz/fuzz_,body cookie header import query)
$(FUZZ_APP): FUZZ_WITH := fuzz/app_fuzz.c

build/fuzz/%: fuzz/%.c fuzz/app_fuzz.c fuzz/app_fuzz.h $(FUZZ_SRC) \
		$(FUZZ_CXXOBJ) build/gen/blocklist.c \
		build/gen/gazetteer.c build/gen/translit.c
	@mkdir -p $(dir $@)
	clang -g -O1 -std=c11 -D_GNU_SOURCE -Isrc \
		$(shell pkg-config --cflags $(PKGS)) \
		-fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_WITH) \
		$(FUZZ_SRC) \
		$(FUZZ_CXXOBJ) \
		build/gen/blocklist.c build/gen/gazetteer.c build/gen/translit.c \
		$(LDLIBS)

check-src:
	scripts/check-src

format:
	clang-format -i $(wildcard src/*.c src/*/*.c src/*/*.cc src/*.h src/*/*.h tests/unit/*.[ch] fuzz/*.c)

install: atip
	install -d -m 755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/web
	install -m 755 atip $(DESTDIR)$(BINDIR)/atip
	cp -R web/. $(DESTDIR)$(SHAREDIR)/web/
	install -d -m 755 $(DESTDIR)$(UNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g; s|@SHAREDIR@|$(SHAREDIR)|g' \
		deploy/atip.service > $(DESTDIR)$(UNITDIR)/atip.service
	chmod 644 $(DESTDIR)$(UNITDIR)/atip.service

clean:
	rm -rf build atip

help:
	@echo "make            build ./atip"
	@echo "make unit       build the cmocka unit tests in build/tests"
	@echo "make SAN=1 BUILD=build/asan unit build/asan/atip   sanitizer build"
	@echo "make fuzz       build the libFuzzer targets in build/fuzz"
	@echo "make check-src  banned functions and clang-format"
	@echo "make install    install to PREFIX (DESTDIR for packaging)"

-include $(OBJ:.o=.d) $(MAIN:.o=.d)
