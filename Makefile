# Two commands do everything on a fresh clone: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install model index demo test bench bench-scale clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

model: install
	$(BIN)/isobot model

index: model
	$(BIN)/isobot index

demo: index
	$(BIN)/isobot chat

test: model
	$(BIN)/python -m pytest -q

bench: model
	$(BIN)/python -m bench --out data/bench/result.json

# apart from `make bench`: indexes the whole portal corpus once (about half an hour the first time)
bench-scale: model
	$(BIN)/python -m bench.scale --out data/bench/scale.json

clean:
	rm -rf data/index data/indexes
