"""Run a generated notebook's settings, dataset, split and chat-template cells with plain Python and a stand-in
tokenizer that records what apply_chat_template receives; print one JSON line per notebook.

Usage: python3 check_tools.py NOTEBOOK... (run with the notebooks' folder as working directory).
Environment: SLMGEN_TEMPLATE_TOOLS=show (default) renders the declared tools into the text, as templates with tool
support do; SLMGEN_TEMPLATE_TOOLS=ignore leaves them out, as templates without tool support do.
The stand-in's text is the template family's markers around each message (so the cell's own checks pass), with
the tools' JSON first when shown. `datasets.Dataset` is replaced by a list of rows.
"""
import contextlib
import io
import json
import os
import sys
import types


class Dataset(list):
    @staticmethod
    def from_list(rows):
        return Dataset(rows)


datasets = types.ModuleType("datasets")
datasets.Dataset = Dataset
sys.modules["datasets"] = datasets


class RecordingTokenizer:
    bos_token = None
    eos_token = "<eos>"
    pad_token = "<eos>"

    def __init__(self, ns, show_tools):
        self.ns = ns
        self.show_tools = show_tools
        self.calls = []

    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=False, **kwargs):
        self.calls.append({"messages": messages, "tools": kwargs.get("tools")})
        parts = []
        if kwargs.get("tools") and self.show_tools:
            parts.append("TOOLS " + json.dumps(kwargs["tools"], ensure_ascii=False))
        for m in messages:
            marker = self.ns["RESPONSE_PART"] if m["role"] == "assistant" else self.ns["INSTRUCTION_PART"]
            calls = " CALLS " + json.dumps(m["tool_calls"], ensure_ascii=False) if m.get("tool_calls") else ""
            parts.append(marker + m["content"] + calls)
        return "\n".join(parts)

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": text.split()}


def check(path, show_tools):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    cells = {c.get("id"): "".join(c["source"]) for c in nb["cells"]}
    ns = {}
    tokenizer = RecordingTokenizer(ns, show_tools)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cid in ("settings", "load-dataset", "split"):
            exec(compile(cells[cid], f"{path}:{cid}", "exec"), ns)
        ns["tokenizer"] = ns["text_tokenizer"] = tokenizer
        exec(compile(cells["chat-template"], f"{path}:chat-template", "exec"), ns)
    return {
        "path": path,
        "examples": ns["examples"],
        "calls": tokenizer.calls,
        "texts": [row["text"] for row in ns["train_dataset"]],
        "stdout": out.getvalue(),
    }


show = os.environ.get("SLMGEN_TEMPLATE_TOOLS", "show") != "ignore"
for p in sys.argv[1:]:
    try:
        print(json.dumps(check(p, show), ensure_ascii=False))
    except Exception as e:
        print(json.dumps({"path": p, "error": f"{type(e).__name__}: {e}"}))
