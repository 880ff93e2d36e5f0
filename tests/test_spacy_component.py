"""nianbao inside spaCy: the factory found through its entry point, one span per field read, char-exact,
the same through ``nlp.pipe(n_process=2)`` and after ``nlp.to_disk`` / ``spacy.load``."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import spacy

from nianbao.cli import main
from nianbao.paths import MODEL_DIR, SEEDS_DIR
from nianbao.pipeline import default_labeller
from nianbao.readers import read_document
from nianbao.spacy_component import SPANS_KEY
from test_rules_glued import glued_requests

SEEDS = sorted(SEEDS_DIR.glob("*.txt"))
GLUED_ROW = "21710000218"  # 一、本年新收 printed with no separators: 217 | 1 | 0 | 0 | 0 | 0 | 218
GLUED_CELLS = ["217", "1", "0", "0", "0", "0", "218"]
COLUMNS = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]


def pipeline(system="hybrid", lang="zh"):
    nlp = spacy.blank(lang)
    nlp.add_pipe("nianbao", config={"system": system})
    return nlp


def spans_of(doc):
    """(key, value, start, end, printed text) of every field span."""
    return [(span.label_, span._.value, span.start_char, span.end_char, span.text) for span in doc.spans[SPANS_KEY]]


@pytest.fixture(scope="module")
def hybrid():
    return pipeline("hybrid")


@pytest.fixture(scope="module")
def parsed_seeds(tmp_path_factory):
    """What ``nianbao parse`` writes for every seed (hybrid), by stem."""
    out = tmp_path_factory.mktemp("parsed")
    assert main(["parse", str(SEEDS_DIR), "--out", str(out), "--no-progress"]) == 0
    return {seed.stem: json.loads((out / f"{seed.stem}.json").read_text(encoding="utf-8")) for seed in SEEDS}


def test_the_factory_is_found_through_the_entry_point_in_a_fresh_process():
    # The script never imports nianbao: spaCy loads the module the entry point names.
    script = ("import importlib.metadata, spacy\n"
              "[point] = importlib.metadata.entry_points(group='spacy_factories', name='nianbao')\n"
              "print(point.value)\n"
              "nlp = spacy.blank('zh')\n"
              "nlp.add_pipe('nianbao', config={'system': 'rules'})\n"
              "doc = nlp('三、收到和处理政府信息公开申请情况')\n"
              "print(nlp.pipe_names, nlp.get_pipe_meta('nianbao').factory, type(nlp.get_pipe('nianbao')).__module__)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["nianbao.spacy_component:make_nianbao", "['nianbao']", "nianbao", "nianbao.spacy_component"]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem)
def test_spans_are_the_fields_nianbao_parse_writes(hybrid, parsed_seeds, seed):
    text = read_document(seed).text
    doc = hybrid(text)
    record = parsed_seeds[seed.stem]
    located = [(key, field["value"], field["start"], field["end"], text[field["start"]:field["end"]])
               for key, field in record["fields"].items() if field["start"] is not None]
    assert sorted(spans_of(doc)) == sorted(located)
    assert all(span.text == span._.raw for span in doc.spans[SPANS_KEY])
    assert {span.label_: (span._.confidence, span._.by) for span in doc.spans[SPANS_KEY]} == \
        {key: (field["confidence"], field["by"]) for key, field in record["fields"].items() if field["start"] is not None}
    assert doc._.nianbao == dict(record, source=None)


# Run in a process of its own: were a forked worker to hang, spaCy would wait for it forever, and the
# whole process group can be killed.
TWO_PROCESSES = """
import json, sys, spacy
from nianbao.readers import read_document
nlp = spacy.blank("zh")
nlp.add_pipe("nianbao", config={"system": "hybrid"})
texts = [read_document(path).text for path in sys.argv[1:]]
one = [nlp(text) for text in texts]  # the model has run in this process before it forks
two = list(nlp.pipe(texts, n_process=2))
def seen(doc):
    return [doc._.nianbao, [(s.label_, s.start_char, s.end_char, s._.value, s._.raw, s._.confidence, s._.by)
                            for s in doc.spans["nianbao"]]]
print(json.dumps([[seen(doc) for doc in one], [seen(doc) for doc in two]]))
"""


def test_nlp_pipe_with_two_processes_gives_the_same_docs():
    run = subprocess.Popen([sys.executable, "-c", TWO_PROCESSES, *map(str, SEEDS)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = run.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate()
        pytest.fail("nlp.pipe(n_process=2) hung: a forked worker is stuck in torch")
    assert run.returncode == 0, err
    one, two = json.loads(out)
    assert two == one
    assert [len(spans) for _, spans in two] == \
        [sum(field["start"] is not None for field in record["fields"].values()) for record, _ in two]


@pytest.mark.parametrize("lang", ["zh", "xx"])
def test_a_glued_row_gives_one_exact_span_per_cell_whatever_the_tokenizer(lang):
    text = glued_requests({0: GLUED_ROW, 2: GLUED_ROW, 21: GLUED_ROW})
    doc = pipeline("rules", lang)(text)
    start = text.index("数量" + GLUED_ROW) + 2
    offsets = [start + sum(map(len, GLUED_CELLS[:i])) for i in range(len(GLUED_CELLS) + 1)]
    new = [span for span in doc.spans[SPANS_KEY] if span.label_.startswith("requests.new.")]
    assert [(span.label_, span.text, span.start_char, span.end_char, span._.value) for span in new] == \
        [(f"requests.new.{column}", cell, a, b, int(cell))
         for column, cell, a, b in zip(COLUMNS, GLUED_CELLS, offsets, offsets[1:])]
    assert doc.text == text  # splitting tokens never changes the text


def test_the_xx_tokenizer_keeps_the_glued_run_as_one_token_until_the_component_splits_it():
    text = glued_requests({0: GLUED_ROW, 2: GLUED_ROW, 21: GLUED_ROW})
    nlp = pipeline("rules", "xx")
    assert [len(token) for token in nlp.make_doc(text)] == [len(text)]  # no space, no break: one token
    assert [token.text for token in nlp(text) if token.text in GLUED_CELLS][:7] == GLUED_CELLS


def test_to_disk_and_spacy_load_give_the_same_pipeline_and_no_pickle(hybrid, tmp_path):
    text = read_document(SEEDS[0]).text
    hybrid.to_disk(tmp_path / "pipeline")
    saved = sorted(path.name for path in (tmp_path / "pipeline" / "nianbao" / "checkpoint").iterdir())
    assert "model.safetensors" in saved and not [name for name in saved if name.endswith((".bin", ".pkl", ".pt"))]
    assert "calibration.json" in saved  # its confidences go with it
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe_config("nianbao") == {"factory": "nianbao", "system": "hybrid", "checkpoint": None}
    component = loaded.get_pipe("nianbao")
    assert component.labeller() is not hybrid.get_pipe("nianbao").labeller()  # read from the saved copy
    assert spans_of(loaded(text)) == spans_of(hybrid(text))
    assert loaded(text)._.nianbao == hybrid(text)._.nianbao


def test_the_checkpoint_path_comes_through_the_config(tmp_path):
    nlp = spacy.blank("zh")
    nlp.add_pipe("nianbao", config={"system": "model", "checkpoint": str(MODEL_DIR)})
    assert nlp.config["components"]["nianbao"]["checkpoint"] == str(MODEL_DIR)
    component = nlp.get_pipe("nianbao")
    assert component.labeller() is not default_labeller()  # its own copy, loaded from the path given
    text = read_document(SEEDS[2]).text
    assert spans_of(nlp(text)) == spans_of(pipeline("model")(text))
    missing = spacy.blank("zh")
    missing.add_pipe("nianbao", config={"system": "model", "checkpoint": str(tmp_path / "no-model")})
    with pytest.raises(FileNotFoundError, match="the model checkpoint .*no-model has no config.json"):
        missing(text)


def test_a_rules_pipeline_saves_no_model_and_loads_back(tmp_path):
    nlp = pipeline("rules")
    nlp.to_disk(tmp_path / "rules")
    assert not (tmp_path / "rules" / "nianbao" / "checkpoint").exists()
    text = read_document(SEEDS[1]).text
    assert spans_of(spacy.load(tmp_path / "rules")(text)) == spans_of(nlp(text))


def test_a_text_without_report_tables_has_no_record_and_no_spans():
    doc = pipeline("rules")("今天天气很好。本报讯，市政府召开新闻发布会。")
    assert doc._.nianbao is None and len(doc.spans[SPANS_KEY]) == 0


def test_an_unknown_system_is_refused_when_the_pipe_is_added():
    with pytest.raises(ValueError, match="unknown system 'crf'"):
        spacy.blank("zh").add_pipe("nianbao", config={"system": "crf"})
