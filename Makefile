# The book's commands. Each target is self-contained on a fresh machine with
# Python >= 3.11 and the package registries: it creates .venv if missing and
# installs the locked requirements and nnlib into it first.
#
#   make book     execute the notebooks (cached) and build the HTML, zero warnings
#   make test     every check: unit tests, strict nbval, zero-warning build, browser
#   make execute  re-execute every chapter in place (fresh kernel, top to bottom)
#   make serve    serve the built site on http://127.0.0.1:8000
#   make bench    time nnlib's training against scikit-learn and the GEMM floor (not a test)
#   make student  a student edition of the chapters (no solutions, no outputs) in _student/
#   make lock     re-resolve requirements.in into requirements.txt
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
.PHONY: help book test unit nbval browser execute serve bench student lock clean env mathjax

help:
	@sed -n '5,13p' Makefile

# --- environment -------------------------------------------------------------
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

env: $(STAMP)

$(MATHJAX): $(STAMP)
	@rm -rf _mathjax && mkdir -p _mathjax/_static
	@src=$$($(BIN)/python -c 'import mathjax, os; print(os.path.join(os.path.dirname(mathjax.__file__), "static", "mathjax"))'); \
	  cp -r "$$src/es5" _mathjax/_static/mathjax && cp "$$src/LICENSE" _mathjax/_static/mathjax/LICENSE
	@echo "MathJax 3 copied into _mathjax/ (served from the site, no CDN)"

mathjax: $(MATHJAX)

# --- the book ----------------------------------------------------------------
# jupyter-cache notices edited notebooks but not edited nnlib code, so the cache is
# wiped whenever nnlib's source changes. With CI=true everything executes from scratch.
book: $(STAMP) $(MATHJAX)
	@hash=$$(cat nnlib/*.py pyproject.toml requirements.txt | sha256sum | cut -c1-16); \
	  if [ -n "$${CI:-}" ] || [ "$$(cat _build/.nnlib-hash 2>/dev/null)" != "$$hash" ]; then \
	    echo "Executing every notebook from scratch (CI, or nnlib changed)"; rm -rf _build; fi; \
	  mkdir -p _build; echo "$$hash" > _build/.nnlib-hash
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
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser" -n $(JOBS) -q

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) chapters -n $(JOBS) --dist loadfile -q

browser: $(STAMP)
	@if [ -z "$${CI:-}" ] && ! $(BIN)/python tests/browser/find_chromium.py >/dev/null; then \
	  echo; echo "*** NOTE: no Chromium found: the browser test is SKIPPED. ***"; \
	  echo "*** Install it (Debian: apt-get install chromium) to run it; CI always does. ***"; echo; fi
	$(BIN)/python -m pytest tests/browser -m browser -q

test: $(STAMP)
	@echo "== 1/4 unit tests of nnlib ==";     $(MAKE) --no-print-directory unit
	@echo "== 2/4 strict nbval ==";            $(MAKE) --no-print-directory nbval
	@echo "== 3/4 zero-warning book build =="; $(MAKE) --no-print-directory book
	@echo "== 4/4 browser test ==";            $(MAKE) --no-print-directory browser
	@echo "All checks passed."

# --- benchmarks (ratios measured in one run; never part of make test) ---------
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_mlp.py

# --- instructors -------------------------------------------------------------
student: $(STAMP)
	$(BIN)/python tools/student_edition.py chapters _student/chapters
	@echo "Student edition written to $(CURDIR)/_student/chapters"

# --- maintenance -------------------------------------------------------------
lock:
	rm -rf /tmp/nnbook-lock && $(PYTHON) -m venv /tmp/nnbook-lock
	/tmp/nnbook-lock/bin/python -m pip install --quiet --upgrade pip
	/tmp/nnbook-lock/bin/python -m pip install --quiet -r requirements.in
	{ sed -n '1,2p' requirements.txt; /tmp/nnbook-lock/bin/python -m pip freeze --exclude-editable; } > requirements.lock.tmp
	mv requirements.lock.tmp requirements.txt

clean:
	rm -rf _build _mathjax _student .pytest_cache
