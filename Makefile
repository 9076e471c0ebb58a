# `make demo` and `make test` each create .venv on first use.
# torch==2.13.0 is installed first: it is the CPU wheel this project targets;
# any other torch release would pull a multi-GB CUDA build.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.subalign-installed
OUT ?= out

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test,report-test,ray]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/subalign align samples/review.en.txt samples/review.zh.txt \
		-o $(OUT)/review.tmx -o $(OUT)/review.tsv -o $(OUT)/review.json -o $(OUT)/review.align
	$(BIN)/subalign eval samples/review.gold.align $(OUT)/review.align
	$(BIN)/subalign quotes samples/review.en.txt samples/film.zh.srt -o $(OUT)/quotes.tsv
	$(BIN)/subalign quotes samples/review.en.txt samples/film.zh.srt -o $(OUT)/quotes.srt --context 1
	$(BIN)/subalign glossary samples/review.en.txt samples/review.zh.txt -o $(OUT)/glossary.tsv
	$(BIN)/subalign glossary samples/review.en.txt samples/review.zh.txt -o $(OUT)/glossary.tbx
	$(BIN)/subalign dual samples/dual/film.zh.srt samples/dual/film.en.srt -o $(OUT)/dual.ass --report $(OUT)/dual.json
	$(BIN)/subalign report samples/review.en.txt --translation samples/review.zh.txt --subs samples/film.zh.srt -o $(OUT)/report.html
	@echo "demo outputs are in $(OUT)/"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/mac_dev.py
	$(BIN)/python benchmarks/quotes_bench.py
	$(BIN)/python benchmarks/dual_bench.py
	$(BIN)/python benchmarks/glossary_bench.py

clean:
	rm -rf $(OUT) .pytest_cache
