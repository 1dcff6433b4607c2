# SPDX-License-Identifier: GPL-2.0
# Front door of the DAMON harness: each target runs a script in dev/.
# Variables: DEBUG=1 (debug kernel), KSRC=/path (another 6.12 source tree),
# VM_MEM, VM_SMP, VM_TIMEOUT (see dev/vm.sh), JOBS, DAMO_DIR (make compat).

export DEBUG KSRC DAMO_DIR
.NOTPARALLEL:
.PHONY: all help tree kernel kunit selftests lint compat series series-check check run shell vm bench fuzz clean distclean

all: help

help:
	@echo 'make run          boot the patched kernel and run the DAMON demo'
	@echo 'make check        lint + selftests + compat + kunit and selftests DEBUG=1 (CI)'
	@echo 'make tree         (re)create .build/linux: 6.12 minus stock DAMON, plus ours'
	@echo 'make kernel       build the test-VM kernel (.build/vm; DEBUG=1: .build/vm-debug)'
	@echo 'make kunit        KUnit suites on UML'
	@echo 'make selftests    damon kselftests in the VM (DEBUG=1 on the debug kernel)'
	@echo 'make lint         checkpatch --strict, kernel-doc -Wall, W=1 C=2 build'
	@echo 'make compat       drive the VM kernel through damo 3.3.0 (DAMO_DIR=path)'
	@echo 'make series       write the patch series and cover letter to .build/series/'
	@echo 'make series-check git am the series on 6.12, build and checkpatch every patch'
	@echo 'make shell        interactive shell in the VM'
	@echo 'make bench        ours vs stock 6.12 DAMON: accuracy, overhead (dev/bench)'
	@echo 'make fuzz         long seeded sysfs fuzzing on the debug kernel (FUZZ_OPS, FUZZ_SEED)'
	@echo 'make vm CMD="..." run one command in the VM'
	@echo 'make clean        remove build output except the source tree and ccache'

tree:
	@dev/tree.sh

kernel: tree
	@dev/kernel.sh

kunit: tree
	@dev/kunit.sh

selftests: kernel
	@dev/selftests.sh

lint: kernel
	@dev/lint.sh

compat: kernel
	@dev/compat.sh

series: tree
	@dev/series.sh

series-check: kernel
	@dev/series-check.sh

check:
	@dev/check.sh

run: kernel
	@dev/run.sh

bench: tree
	@dev/bench/bench.sh

fuzz: tree
	@dev/fuzz.sh

shell: kernel
	@dev/vm.sh

vm: kernel
	@test -n "$(CMD)" || { echo 'usage: make vm CMD="command"' >&2; exit 2; }
	@dev/vm.sh sh -c '$(CMD)'

clean:
	rm -rf .build/vm .build/vm-debug .build/kunit .build/share .build/logs

distclean:
	rm -rf .build
