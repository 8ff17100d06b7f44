# The book's commands. Each target is self-contained on a fresh machine with
# Python >= 3.11 and the package registries: it creates .venv if missing and
# installs the locked requirements and nnlib into it first.
#
#   make book     build the HTML from the executed chapters, zero warnings
#   make test     every check: unit tests, tool tests, strict nbval, zero-warning build, editions, grading, browser
#   make unit     nnlib's own tests (tests/nnlib), about a minute; make tools-test: the book's and tools' tests
#   make check-chapters  strict nbval on the chapters that use the nnlib modules changed since main (or MODULE=layers,losses)
#   make compat   the same unit tests and every chapter, on the oldest supported versions (Colab's)
#   make execute  re-execute every chapter in place (fresh kernel, top to bottom)
#   make serve    serve the built site on http://127.0.0.1:8000
#   make bench    time nnlib's training against scikit-learn and the GEMM floor (not a test)
#   make notebooks  the reader edition (plain notebooks for Jupyter/Colab) in _notebooks/
#   make reader-tests  check the reader and student editions (tests marked `built`)
#   make pdf      the whole book as one PDF, _build/pdf/book.pdf (headless Chromium); make pdf-test checks it
#   make student  the student edition (no solutions, no outputs, answer and check cells) in _student/
#   make grade SUBMISSIONS=dir  grade submitted student-edition notebooks with nbgrader -> grades.csv
#   make grade-check  grade three submissions of chapter 1 and check the scores (tests/grading)
#   make lock     re-resolve the *.in files into their hash-checked locks (requirements.txt, ...)
#   make zizmor   audit the GitHub workflows for security problems (zizmor, offline)
#   make clean    remove the build and the caches

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HTML    := _build/html
JOBS    ?= 2
PORT    ?= 8000
# MathJax 3 is copied from the pinned django-static-mathjax wheel into the site.
MATHJAX := _mathjax/_static/mathjax/tex-chtml.js

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.PHONY: help book test compat unit tools-test nbval check-chapters browser execute serve bench notebooks reader-tests student lock clean env mathjax pdf pdf-test

help:
	@sed -n '5,21p' Makefile

# --- environment -------------------------------------------------------------
# Every install is hash-checked (--require-hashes): the locks, written by `make lock`, carry the
# sha256 of every file of every pinned release, so a file replaced on the index fails the install.
# pip and setuptools are in the lock too: the venv's own pip installs the locked pip with the rest,
# and nnlib's editable install (no dependencies) builds with the locked setuptools, without build
# isolation, so nothing is fetched without a hash.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

env: $(STAMP)

$(MATHJAX): $(STAMP)
	@rm -rf _mathjax && mkdir -p _mathjax/_static
	@src=$$($(BIN)/python -c 'import mathjax, os; print(os.path.join(os.path.dirname(mathjax.__file__), "static", "mathjax"))'); \
	  cp -r "$$src/es5" _mathjax/_static/mathjax && cp "$$src/LICENSE" _mathjax/_static/mathjax/LICENSE
	@echo "MathJax 3 copied into _mathjax/ (served from the site, no CDN)"

mathjax: $(MATHJAX)

# --- the book ----------------------------------------------------------------
# The build uses the chapters' committed outputs (execute_notebooks: off in _config.yml):
# `make execute` refreshes them, and strict nbval in `make test` proves they are current.
book: $(STAMP) $(MATHJAX)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Book built: $(CURDIR)/$(HTML)/index.html"

execute: $(STAMP)
	@cd chapters && for nb in *.ipynb; do \
	  echo "executing $$nb"; \
	  ../$(BIN)/jupyter execute --inplace --timeout=600 "$$nb"; \
	done

serve:
	@test -f $(HTML)/index.html || { echo "No built site: run 'make book' first"; exit 1; }
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

# --- the checks --------------------------------------------------------------
# tests/ is laid out by what each folder needs (tests/conftest.py; markers in pyproject.toml).
# Tests that need a built artefact (markers built, grading, browser, pdf) run only in the
# target that builds it, and there a missing artefact fails: nothing is skipped.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

# nnlib alone: no notebook is run, no Sphinx, no nbgrader.
unit: $(STAMP)
	$(BIN)/python -m pytest tests/nnlib -n $(JOBS) -q

# The chapters' sources and the book's tools, read but not built (the solutions' code runs).
tools-test: $(STAMP)
	$(BIN)/python -m pytest tests/book tests/editions -n $(JOBS) -q

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) chapters -n $(JOBS) --dist loadfile -q

# After a change to nnlib: strict nbval on the chapters whose code uses a changed module,
# directly or through nnlib's imports (tools/check_chapters.py), or the modules in MODULE.
BASE ?= main
check-chapters: $(STAMP)
	@chapters=$$($(BIN)/python tools/check_chapters.py --base $(BASE) $(if $(MODULE),--module $(MODULE))); \
	if [ -z "$$chapters" ]; then echo "No chapter uses the changed modules: nothing to run."; exit 0; fi; \
	echo "strict nbval on:" $$chapters; \
	$(BIN)/python -m pytest $(NBVAL) $$chapters -n $(JOBS) --dist loadfile -q

browser: $(STAMP)
	@if [ -z "$${CI:-}" ] && ! $(BIN)/python tests/browser/find_chromium.py >/dev/null; then \
	  echo; echo "*** NOTE: no Chromium found: the browser test is SKIPPED. ***"; \
	  echo "*** Install it (Debian: apt-get install chromium) to run it; CI always does. ***"; echo; fi
	$(BIN)/python -m pytest tests/browser -m browser -q -n $(JOBS) --dist loadscope

test: $(STAMP)
	@echo "== 1/8 unit tests of nnlib ==";     $(MAKE) --no-print-directory unit
	@echo "== 2/8 the book's and tools' tests =="; $(MAKE) --no-print-directory tools-test
	@echo "== 3/8 strict nbval ==";            $(MAKE) --no-print-directory nbval
	@echo "== 4/8 zero-warning book build =="; $(MAKE) --no-print-directory book
	@echo "== 5/8 reader and student editions =="; $(MAKE) --no-print-directory notebooks student reader-tests
	@echo "== 6/8 grading (nbgrader) ==";      $(MAKE) --no-print-directory grade-check
	@echo "== 7/8 browser tests ==";           $(MAKE) --no-print-directory browser
	@echo "== 8/8 security audit of the workflows (zizmor) =="; $(MAKE) --no-print-directory zizmor
	@echo "All checks passed."

# --- the compatibility floor ---------------------------------------------------
# The oldest versions the book supports are Colab's (requirements-compat.txt). This builds a
# second environment with exactly those, on Python 3.13 as Colab has it when this machine has
# it (else python3, 3.11 or newer), and runs
#   - the unit tests of nnlib (nnlib from this checkout, on PYTHONPATH);
#   - every chapter top to bottom with every assertion, as a student meets it: the reader
#     edition, staged as the published `notebooks` branch (tools/publish_editions.py), with
#     nnlib NOT installed, so that the setup cell must find the library beside the chapters
#     as on a JupyterHub that pulled the branch. The code cells are the chapters' own
#     (tests/editions/test_reader_edition_built.py checks that).
# Text outputs are not compared (--nbval-lax): older releases may print differently; what
# must hold is that every cell runs and every assert passes.
COMPAT      := .venv-compat
COMPAT_PY   ?= $(shell for p in python3.13 $(HOME)/.pyenv/versions/3.13*/bin/python3.13 python3; do \
                 $$p -c 'import sys; assert sys.version_info >= (3, 11)' >/dev/null 2>&1 && { echo $$p; break; }; done)
COMPAT_STAMP := $(COMPAT)/.installed
# Besides nnlib's tests, the tool tests that need no part of the book's toolchain (Jupyter Book,
# myst-nb, Playwright): the solutions' code, the exercise table, the editions' layout. They read
# MyST with markdown-it-py and mdit-py-plugins, pure-Python test tooling that Colab's set
# does not pin: the lock's versions are added to .venv-compat without their dependencies.
COMPAT_TOOL_TESTS := tests/book/test_chapter_solutions.py tests/book/test_exercise_table.py \
                     tests/editions/test_editions.py tests/editions/test_student_edition.py

$(COMPAT_STAMP): requirements-compat.txt
	@test -n "$(COMPAT_PY)" || { echo "make compat needs Python 3.11 or newer"; exit 1; }
	@rm -rf $(COMPAT) && $(COMPAT_PY) -m venv $(COMPAT)
	$(COMPAT)/bin/python -m pip install --quiet --require-hashes -r requirements-compat.txt
	@# the MyST reader's parser (tools/myst.py, for the tool tests compat runs): the lock's versions, hashed
	$(COMPAT)/bin/python -c 'import re; t = open("requirements.txt").read(); print("\n".join(b for b in re.split(r"\n(?=\S)", t) if re.match(r"(markdown-it-py|mdit-py-plugins|mdurl)==", b)))' > $(COMPAT)/myst-reader.txt
	$(COMPAT)/bin/python -m pip install --quiet --require-hashes --no-deps -r $(COMPAT)/myst-reader.txt
	@touch $@

compat: $(COMPAT_STAMP) notebooks
	@echo "== compatibility floor: $$($(COMPAT)/bin/python --version), $$($(COMPAT)/bin/python -c \
	  'import numpy, scipy, sklearn, sympy, matplotlib; print("numpy", numpy.__version__, "scipy", scipy.__version__, "scikit-learn", sklearn.__version__, "sympy", sympy.__version__, "matplotlib", matplotlib.__version__)') =="
	@! $(COMPAT)/bin/python -I -c 'import nnlib' 2>/dev/null || { echo "nnlib must not be installed in $(COMPAT)"; exit 1; }
	PYTHONPATH=$(CURDIR) $(COMPAT)/bin/python -m pytest tests/nnlib $(COMPAT_TOOL_TESTS) -n $(JOBS) -q -p no:cacheprovider
	$(BIN)/python tools/publish_editions.py --out _publish --branch notebooks
	cd _publish/notebooks/chapters && $(CURDIR)/$(COMPAT)/bin/python -m pytest --nbval-lax --nbval-current-env \
	  *.ipynb -n $(JOBS) --dist loadfile -q -p no:cacheprovider

# --- benchmarks (ratios measured in one run; never part of make test) ---------
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_mlp.py
	$(BIN)/python benchmarks/bench_conv.py
	$(BIN)/python benchmarks/bench_rnn.py
	$(BIN)/python benchmarks/bench_norm.py
	$(BIN)/python benchmarks/bench_attention.py

# --- the PDF -------------------------------------------------------------------
# The whole book as one PDF: Jupyter Book's single-page HTML (built in _build/pdf/_build with
# its own doctrees, apart from the website, so that it can run beside `make book`) printed by
# headless Chromium, the browser the browser tests use, with MathJax served by the book
# itself (tools/build_pdf.py says why not LaTeX). When the website is built, the PDF is also
# copied into it: the front page links to book.pdf.
PDF := _build/pdf/book.pdf

pdf: $(STAMP) $(MATHJAX)
	$(BIN)/python tools/build_pdf.py --path-output _build/pdf --out $(PDF)
	@if [ -d $(HTML) ]; then cp $(PDF) $(HTML)/book.pdf && echo "Copied into the website: $(HTML)/book.pdf"; fi

pdf-test: $(STAMP)
	$(BIN)/python -m pytest tests/pdf -m pdf -q

# --- the reader and student editions -------------------------------------------
# Plain notebooks (no MyST) for Jupyter, Colab, VS Code, from the executed chapters; the
# numbers, anchors and citations come from the completed build (_build/book_index.json).
notebooks: book
	@rm -rf _notebooks
	$(BIN)/python tools/reader_edition.py --build _build chapters _notebooks/chapters
	@# the website's "download .ipynb" button serves the reader edition, not the MyST source
	cp _notebooks/chapters/*.ipynb $(HTML)/_sources/chapters/
	@echo "Reader edition written to $(CURDIR)/_notebooks/chapters (and served as the site's .ipynb downloads)"

# The editions' checks on the real chapters (tests marked `built`). No chapter is run here:
# the reader notebooks' code cells are the chapters' own (checked here), strict nbval runs
# the chapters, and `make compat` runs the reader notebooks as published (docs/ARCHITECTURE.md).
reader-tests: $(STAMP)
	$(BIN)/python -m pytest tests/editions tests/book -m built -n $(JOBS) -q

# From the MyST sources (no solutions, no outputs), with the numbers of the completed build.
student: book
	@rm -rf _student
	$(BIN)/python tools/student_edition.py --build _build chapters _student/chapters
	@echo "Student edition written to $(CURDIR)/_student/chapters"

# --- grading the student edition (nbgrader, outside the book's lock) -----------------
# nbgrader and the few packages it needs beyond the lock go into .venv/grade-packages/ (pip
# --target, --no-deps); tools/grade.py runs it on the book's own environment. Submissions:
# SUBMISSIONS/<student>/<chapter>.ipynb or SUBMISSIONS/<student>.ipynb; scores -> $(GRADES).
.PHONY: grade grade-check
GRADE_PKGS  := $(VENV)/grade-packages
GRADE_STAMP := $(GRADE_PKGS)/.installed
GRADES      ?= grades.csv

$(GRADE_STAMP): requirements-grade.txt $(STAMP)
	@rm -rf $(GRADE_PKGS)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps --target $(GRADE_PKGS) -r requirements-grade.txt
	@touch $@

grade: $(GRADE_STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [GRADES=grades.csv]"; exit 1; }
	@test -d _student/chapters || { echo "No student edition: run 'make student' first"; exit 1; }
	$(BIN)/python tools/grade.py "$(SUBMISSIONS)" --edition _student/chapters --packages $(GRADE_PKGS) --out $(GRADES)

grade-check: $(GRADE_STAMP)
	@test -f _build/book_index.json || { echo "No build: run 'make book' first"; exit 1; }
	GRADE_PACKAGES=$(GRADE_PKGS) $(BIN)/python -m pytest tests/grading -m grading -q -p no:cacheprovider

# --- maintenance -------------------------------------------------------------
# `make lock` resolves each *.in into its lock with every file's hash: requirements.in ->
# requirements.txt (the book), requirements-compat.in -> requirements-compat.txt (Colab's floor),
# binder/requirements.in -> binder/requirements.txt (the runtime part, at the lock's versions),
# requirements-grade.in -> requirements-grade.txt (hashes only: installed with --no-deps).
# The tool is uv (pinned in the lock), not pip-tools, because `--universal` writes ONE lock for
# every platform and Python the book supports (Linux and macOS, 3.11 to 3.13): packages needed
# on one platform only (appnope on macOS, for ipykernel) come with an environment marker and
# their hashes, where pip-compile resolves for the machine it runs on and a lock made on Linux
# would fail --require-hashes on macOS. Like pip-compile, uv keeps every pin already in the
# output file unless told otherwise, so a new line in a *.in adds that package (and what it
# needs) without moving the other pins; `make lock UPGRADE=name` moves one package, and
# `make lock UPGRADE=--all` re-resolves everything. Run twice, it rewrites the same bytes.
# --python-version 3.11.5: the oldest Python the lock supports (soupsieve 4.1 needs 3.11.5).
UPGRADE ?=
UV_COMPILE = $(BIN)/uv pip compile --quiet --no-config --universal --generate-hashes \
             --custom-compile-command "make lock" \
             $(if $(UPGRADE),$(if $(filter --all,$(UPGRADE)),--upgrade,--upgrade-package $(UPGRADE)))
LOCK_TITLE := \# The exact, resolved environment that Binder, CI and `make` install (a lock). Do not edit: `make lock`.

lock: $(STAMP)
	$(UV_COMPILE) --python-version 3.11.5 -o requirements.txt requirements.in
	sed -i '1i $(LOCK_TITLE)' requirements.txt
	$(UV_COMPILE) --python-version 3.11 -o requirements-compat.txt requirements-compat.in
	sed -i '1i \# The oldest supported set (Colab'"'"'s), resolved from requirements-compat.in. Do not edit: `make lock`.' requirements-compat.txt
	$(UV_COMPILE) --python-version 3.11.5 -c requirements.txt -o binder/requirements.txt binder/requirements.in
	sed -i '1i \# Binder'"'"'s environment at the lock'"'"'s versions, from binder/requirements.in. Do not edit: `make lock`.' binder/requirements.txt
	$(UV_COMPILE) --python-version 3.11.5 --no-deps -o requirements-grade.txt requirements-grade.in
	sed -i '1i \# nbgrader and what it needs beyond the lock (requirements-grade.in), hashes only. Do not edit: `make lock`.' requirements-grade.txt

# --- the workflows' security audit -------------------------------------------
# zizmor (pinned in the lock) audits the GitHub workflows and dependabot.yml offline: unpinned
# actions, over-broad permissions, persisted credentials, template injection, dangerous
# triggers. Any finding fails; an ignore (a `# zizmor: ignore[...]` comment) must say why.
.PHONY: zizmor
zizmor: $(STAMP)
	$(BIN)/zizmor --offline .github/workflows/ .github/dependabot.yml

clean:
	rm -rf _build _mathjax _notebooks _student .pytest_cache
