# The book's commands. Each target is self-contained on a fresh machine with
# Python >= 3.11 and the package registries: it creates .venv if missing and
# installs the locked requirements and nnlib into it first.
#
#   make book     build the HTML from the executed chapters, zero warnings
#   make test     every check: unit tests, strict nbval, zero-warning build, reader edition, browser
#   make compat   the same unit tests and every chapter, on the oldest supported versions (Colab's)
#   make execute  re-execute every chapter in place (fresh kernel, top to bottom)
#   make serve    serve the built site on http://127.0.0.1:8000
#   make bench    time nnlib's training against scikit-learn and the GEMM floor (not a test)
#   make notebooks  the reader edition (plain notebooks for Jupyter/Colab) in _notebooks/
#   make reader-check  run every reader notebook top to bottom (nbval-lax)
#   make student  a student edition of the reader edition (no solutions, no outputs) in _student/
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
.PHONY: help book test compat unit nbval browser execute serve bench notebooks reader-tests reader-check student lock clean env mathjax

help:
	@sed -n '5,16p' Makefile

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
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser" -n $(JOBS) -q

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) chapters -n $(JOBS) --dist loadfile -q

browser: $(STAMP)
	@if [ -z "$${CI:-}" ] && ! $(BIN)/python tests/browser/find_chromium.py >/dev/null; then \
	  echo; echo "*** NOTE: no Chromium found: the browser test is SKIPPED. ***"; \
	  echo "*** Install it (Debian: apt-get install chromium) to run it; CI always does. ***"; echo; fi
	$(BIN)/python -m pytest tests/browser -m browser -q -n $(JOBS) --dist loadfile

test: $(STAMP)
	@echo "== 1/5 unit tests of nnlib ==";     $(MAKE) --no-print-directory unit
	@echo "== 2/5 strict nbval ==";            $(MAKE) --no-print-directory nbval
	@echo "== 3/5 zero-warning book build =="; $(MAKE) --no-print-directory book
	@echo "== 4/5 reader edition ==";          $(MAKE) --no-print-directory notebooks reader-tests
	@echo "== 5/5 browser tests ==";           $(MAKE) --no-print-directory browser
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
#     (tests/test_reader_edition.py checks that).
# Text outputs are not compared (--nbval-lax): older releases may print differently; what
# must hold is that every cell runs and every assert passes.
COMPAT      := .venv-compat
COMPAT_PY   ?= $(shell for p in python3.13 $(HOME)/.pyenv/versions/3.13*/bin/python3.13 python3; do \
                 $$p -c 'import sys; assert sys.version_info >= (3, 11)' >/dev/null 2>&1 && { echo $$p; break; }; done)
COMPAT_STAMP := $(COMPAT)/.installed
# Tests of the book's own tooling (structure, reader edition, browser), which need the
# book's toolchain (Jupyter Book, myst-nb, Playwright) and run in `make test` only.
COMPAT_NOT_NNLIB := --ignore=tests/browser --ignore=tests/test_book_structure.py --ignore=tests/test_reader_edition.py

$(COMPAT_STAMP): requirements-compat.txt
	@test -n "$(COMPAT_PY)" || { echo "make compat needs Python 3.11 or newer"; exit 1; }
	@rm -rf $(COMPAT) && $(COMPAT_PY) -m venv $(COMPAT)
	$(COMPAT)/bin/python -m pip install --quiet --upgrade pip
	$(COMPAT)/bin/python -m pip install --quiet -r requirements-compat.txt
	@touch $@

compat: $(COMPAT_STAMP) notebooks
	@echo "== compatibility floor: $$($(COMPAT)/bin/python --version), $$($(COMPAT)/bin/python -c \
	  'import numpy, scipy, sklearn, sympy, matplotlib; print("numpy", numpy.__version__, "scipy", scipy.__version__, "scikit-learn", sklearn.__version__, "sympy", sympy.__version__, "matplotlib", matplotlib.__version__)') =="
	@! $(COMPAT)/bin/python -I -c 'import nnlib' 2>/dev/null || { echo "nnlib must not be installed in $(COMPAT)"; exit 1; }
	PYTHONPATH=$(CURDIR) $(COMPAT)/bin/python -m pytest tests -m "not browser" -n $(JOBS) -q -p no:cacheprovider $(COMPAT_NOT_NNLIB)
	$(BIN)/python tools/publish_editions.py --out _publish --branch notebooks
	cd _publish/notebooks/chapters && $(CURDIR)/$(COMPAT)/bin/python -m pytest --nbval-lax --nbval-current-env \
	  *.ipynb -n $(JOBS) --dist loadfile -q -p no:cacheprovider

# --- benchmarks (ratios measured in one run; never part of make test) ---------
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_mlp.py
	$(BIN)/python benchmarks/bench_conv.py
	$(BIN)/python benchmarks/bench_rnn.py

# --- the reader and student editions -------------------------------------------
# Plain notebooks (no MyST) for Jupyter, Colab, VS Code, from the executed chapters; the
# numbers, anchors and citations come from the completed build in _build.
notebooks: book
	@rm -rf _notebooks
	$(BIN)/python tools/reader_edition.py --build _build chapters _notebooks/chapters
	@# the website's "download .ipynb" button serves the reader edition, not the MyST source
	cp _notebooks/chapters/*.ipynb $(HTML)/_sources/chapters/
	@echo "Reader edition written to $(CURDIR)/_notebooks/chapters (and served as the site's .ipynb downloads)"

# `make test` runs only the structural checks (reader-tests); the reader notebooks are
# executed top to bottom by `make compat`, on the published branch and in hub mode, so
# .ci/run runs them once rather than twice. `make reader-check` runs both here.
reader-tests: $(STAMP)
	@test -d _notebooks/chapters || { echo "No reader edition: run 'make notebooks' first"; exit 1; }
	READER_EDITION=_notebooks/chapters $(BIN)/python -m pytest tests/test_reader_edition.py -n $(JOBS) -q

reader-check: reader-tests
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env _notebooks/chapters -n $(JOBS) --dist loadfile -q

student: notebooks
	@rm -rf _student
	$(BIN)/python tools/student_edition.py --reader _notebooks/chapters _student/chapters
	@echo "Student edition written to $(CURDIR)/_student/chapters"

# --- maintenance -------------------------------------------------------------
lock:
	rm -rf /tmp/nnbook-lock && $(PYTHON) -m venv /tmp/nnbook-lock
	/tmp/nnbook-lock/bin/python -m pip install --quiet --upgrade pip
	/tmp/nnbook-lock/bin/python -m pip install --quiet -r requirements.in
	{ sed -n '1,2p' requirements.txt; /tmp/nnbook-lock/bin/python -m pip freeze --exclude-editable; } > requirements.lock.tmp
	mv requirements.lock.tmp requirements.txt

clean:
	rm -rf _build _mathjax _notebooks _student .pytest_cache
