"""Check generated notebooks with Jupyter's own tools; print one JSON line per notebook.

Usage: python3 check_notebooks.py NOTEBOOK... (run with the notebooks' folder as working directory).
For each notebook: nbformat validation, ast.parse of every code cell (IPython `%`/`!` lines removed first,
as IPython would transform them), then the settings, dataset and split cells executed with plain Python,
and prepare_messages (from the chat-template cell) applied to the first examples and to probes (tool calls, weights).
"""
import ast
import contextlib
import io
import json
import sys

import nbformat


# Tool calls whose arguments are not a JSON object: prepare_messages must leave them as they are.
TOOL_CALL_PROBE = [
    {"role": "user", "content": "q"},
    {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{not json"}},
            {"id": "b", "type": "function", "function": {"name": "g", "arguments": "[1, 2]"}},
            {"id": "c", "type": "function", "function": {"name": "h", "arguments": {"already": "parsed"}}},
        ],
    },
]

# Replies with OpenAI's "weight": 0, consecutive ones too (templates with strict alternation merge them): which
# prepared replies carry it.
WEIGHT_PROBE = [
    {"role": "system", "content": "s"},
    {"role": "user", "content": "u1"},
    {"role": "assistant", "content": "a1", "weight": 0},
    {"role": "assistant", "content": "a2", "weight": 0},
    {"role": "user", "content": "u2"},
    {"role": "assistant", "content": "a3", "weight": 0},
    {"role": "assistant", "content": "a4", "weight": 1},
    {"role": "user", "content": "u3"},
    {"role": "assistant", "content": "a5"},
    {"role": "assistant", "content": "a6", "weight": 0},
]


def python_source(cell_source):
    lines = []
    for line in cell_source.split("\n"):
        stripped = line.lstrip()
        # `pass` keeps a magic inside a block (`if INSTALL_PACKAGES:`) a statement, as IPython's call would be.
        lines.append(line[: len(line) - len(stripped)] + "pass" if stripped.startswith(("%", "!")) else line)
    return "\n".join(lines)


def check(path):
    result = {"path": path, "errors": []}
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        nb = nbformat.reads(text, 4)
        nbformat.validate(nb)
    except Exception as e:  # report, keep going
        result["errors"].append(f"nbformat: {e}")
        return result
    cells = {c.get("id"): c for c in nb.cells}
    result["cell_ids"] = [c.get("id") for c in nb.cells]
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        try:
            ast.parse(python_source(c.source))
        except SyntaxError as e:
            result["errors"].append(f"syntax in {c.get('id')}: {e}")
    ns = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cid in ("settings", "load-dataset", "split"):
            exec(compile(cells[cid].source, f"{path}:{cid}", "exec"), ns)
        tree = ast.parse(cells["chat-template"].source)
        defs = [
            n
            for n in tree.body
            if isinstance(n, ast.Import)
            or (isinstance(n, ast.FunctionDef) and n.name in ("parse_tool_call", "prepare_messages"))
            # what prepare_messages reads: the leading-blank-lines pattern and its counter
            or (isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("LEADING_BLANK", "blank_lead_counts") for t in n.targets))
        ]
        exec(compile(ast.Module(body=defs, type_ignores=[]), f"{path}:prepare", "exec"), ns)
    result["examples"] = ns["examples"]
    result["n_train"] = len(ns["train_examples"])
    result["n_eval"] = len(ns["eval_examples"])
    result["prepared"] = [ns["prepare_messages"](e["messages"]) for e in ns["examples"][:4]]
    result["prepared_probe"] = ns["prepare_messages"](TOOL_CALL_PROBE)
    result["weight_probe"] = WEIGHT_PROBE
    result["prepared_weight_probe"] = ns["prepare_messages"](WEIGHT_PROBE)
    return result


for p in sys.argv[1:]:
    try:
        print(json.dumps(check(p), ensure_ascii=False))
    except Exception as e:
        print(json.dumps({"path": p, "errors": [f"{type(e).__name__}: {e}"]}))
