"""Run a generated `trl` notebook top to bottom with nbclient, on CPU, against a local checkpoint; print one JSON line.

Usage: python run_trl_notebook.py NOTEBOOK MODEL_DIR WORK_DIR MAX_STEPS
The notebook's `parameters` cell is replaced (no installs, MODEL_PATH = MODEL_DIR, CPU, no 4-bit, MAX_STEPS steps,
no llama.cpp build). Probe cells are added after the trainer, train and save-adapter cells; they record what the test
asserts: every batch the trainer's loss receives (input ids and labels, padding removed), the rows of the notebook's
own labelled dataset, the token ids of each training example and whether it has a reply to train, the validation
rows, the text of each trained span (the replies without weight 0), the logged losses, and whether the saved adapter reloads with
the trained weights. The last line of stdout is the JSON record; on a cell error it has "error".
"""
import json
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

PROBE_TRAINER = '''
PROBE = {"batches": []}
_compute_loss = trainer.compute_loss


def _record_batch(model, inputs, *args, **kwargs):
    if not model.training:  # evaluation batches go through compute_loss too
        return _compute_loss(model, inputs, *args, **kwargs)
    for ids, mask, labels in zip(inputs["input_ids"].tolist(), inputs["attention_mask"].tolist(), inputs["labels"].tolist()):
        n = sum(mask)
        PROBE["batches"].append({"input_ids": ids[:n], "labels": labels[:n], "padding_labels": labels[n:]})
    return _compute_loss(model, inputs, *args, **kwargs)


trainer.compute_loss = _record_batch
'''

PROBE_TRAIN = '''
import math


def _spans(labels):
    spans, run = [], []
    for t in labels + [-100]:
        if t == -100:
            if run:
                spans.append(text_tokenizer.decode(run, skip_special_tokens=False))
            run = []
        else:
            run.append(t)
    return spans


PROBE["rows"] = [{"input_ids": list(r["input_ids"]), "labels": list(r["labels"])} for r in trainer.train_dataset]
PROBE["trained_spans"] = [_spans(list(r["labels"])) for r in trainer.train_dataset]


def _trained_replies(example):
    """The prepared replies whose source message has no weight 0 (the examples have no replies that merge)."""
    replies = [m["content"] for m in prepare_messages(example["messages"]) if m["role"] == "assistant"]
    weights = [m.get("weight", 1) for m in example["messages"] if m["role"] == "assistant"]
    assert len(replies) == len(weights), (replies, weights)
    return [r for r, w in zip(replies, weights) if w != 0]


def _trains(example):
    """Whether the example has a reply to train by its source weights (else the trainer must never receive it)."""
    return any(m["role"] == "assistant" and m.get("weight", 1) != 0 for m in example["messages"])


PROBE["replies"] = [_trained_replies(e) for e in train_examples if _trains(e)]
# Each training example's token ids (as the notebook tokenizes its text) and whether it has a reply to train.
PROBE["examples"] = [
    {"input_ids": text_tokenizer(to_text(e), add_special_tokens=ADD_SPECIAL_TOKENS)["input_ids"], "trains": _trains(e)}
    for e in train_examples
]
PROBE["eval_rows"] = [{"input_ids": list(r["input_ids"]), "labels": list(r["labels"])} for r in trainer.eval_dataset or []]
PROBE["eval_examples"] = [_trains(e) for e in eval_examples]
PROBE["context_only"] = sum(1 for e in train_examples for m in e["messages"] if m.get("weight") == 0)
PROBE["bos_token_id"] = text_tokenizer.bos_token_id
PROBE["logged_losses"] = [h["loss"] for h in trainer.state.log_history if "loss" in h]
PROBE["training_loss"] = stats.training_loss
PROBE["global_step"] = trainer.state.global_step
PROBE["lora_trained"] = any(
    float(p.detach().abs().sum()) > 0 for n, p in model.named_parameters() if "lora_B" in n
)
'''

PROBE_ADAPTER = '''
from peft import PeftModel
from transformers import AutoModelForCausalLM as _Auto

_reloaded = PeftModel.from_pretrained(_Auto.from_pretrained(MODEL_SOURCE, dtype=COMPUTE_DTYPE), "lora_adapter")
_trained = {n: p.detach().cpu() for n, p in model.named_parameters() if "lora_" in n}
_loaded = {n: p.detach().cpu() for n, p in _reloaded.named_parameters() if "lora_" in n}
PROBE["adapter_tensors"] = len(_loaded)
PROBE["adapter_reload_equal"] = sorted(_trained) == sorted(_loaded) and all(
    bool((_trained[n] == _loaded[n]).all()) for n in _trained
)
del _reloaded
'''

PROBE_END = '''
import json as _json
import os as _os

PROBE["files"] = sorted(
    _os.path.join(d, f) for d, _, fs in _os.walk(".") for f in fs if not d.startswith("./.ipynb") and "__pycache__" not in d
)
PROBE["modelfile"] = open(modelfile_path, encoding="utf-8").read() if "modelfile_path" in globals() else None
PROBE["modelfile_path"] = globals().get("modelfile_path")
with open("probe.json", "w", encoding="utf-8") as _f:
    _json.dump(PROBE, _f, ensure_ascii=False)
'''


def code_cell(cell_id, source):
    cell = nbformat.v4.new_code_cell(source.strip("\n"))
    cell.id = cell_id
    return cell


def main(path, model_dir, work_dir, max_steps):
    nb = nbformat.read(path, as_version=4)
    ids = [c.get("id") for c in nb.cells]
    for needed in ("parameters", "trainer", "train", "save-adapter", "download"):
        if needed not in ids:
            raise SystemExit(f"{path}: no cell with id {needed!r}")
    nb.cells[ids.index("parameters")].source = "\n".join(
        [
            "INSTALL_PACKAGES = False",
            f"MODEL_PATH = {json.dumps(os.path.abspath(model_dir))}",
            'DEVICE = "cpu"',
            "LOAD_IN_4BIT = False",
            f"MAX_STEPS = {int(max_steps)}",
            "BUILD_GGUF = False",
        ]
    )
    for after, cell_id, source in (
        ("download", "probe-end", PROBE_END),
        ("save-adapter", "probe-adapter", PROBE_ADAPTER),
        ("train", "probe-train", PROBE_TRAIN),
        ("trainer", "probe-trainer", PROBE_TRAINER),
    ):
        nb.cells.insert([c.get("id") for c in nb.cells].index(after) + 1, code_cell(cell_id, source))
    os.makedirs(work_dir, exist_ok=True)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": work_dir}})
    result = {"cells": [c.get("id") for c in nb.cells if c.cell_type == "code"]}
    try:
        client.execute()
    except CellExecutionError as e:
        result["error"] = re.sub(r"\x1b\[[0-9;]*m", "", str(e))[-4000:]
    nbformat.write(nb, os.path.join(work_dir, "executed.ipynb"))
    probe = os.path.join(work_dir, "probe.json")
    if "error" not in result:
        with open(probe, encoding="utf-8") as f:
            result["probe"] = json.load(f)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
