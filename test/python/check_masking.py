"""Run a generated notebook's own data, chat-template, trainer and masking-check cells with plain Python against a
family's real tokenizer and template, and print the token ids and labels the trainer would receive, as JSON.

Usage: python3 check_masking.py NOTEBOOK...  (all of one tokenizer family; one JSON line per notebook; env SLMGEN_TOKENIZER_CMD: JSON list, the command of a tokenizer server,
test/unit/notebook/tokenizerServer.ts, that answers one JSON request per line).

The chat template is rendered with Jinja as transformers' apply_chat_template does (sandboxed environment,
trim_blocks, lstrip_blocks, loopcontrols, tojson, raise_exception, strftime_now). The notebook's GPU-only steps
are replaced by small stand-ins:
- datasets.Dataset: from_list, map (batched, with_indices, fn_kwargs), filter, iteration, column and row access;
- trl.SFTTrainer: the TRL target passes tokenized data with skip_prepare_dataset, which is kept as is; on the Colab
  target, Unsloth's patched dataset preparation is simulated (pinned unsloth-zoo sft_prepare_dataset: it tokenizes
  with special tokens unless the first row's first character starts with the BOS text or the template contains the
  BOS text literally);
- unsloth.chat_templates.train_on_responses_only: unsloth-zoo's algorithm on token ids with force_match=True (the
  markers tokenized as they are; a reply runs from after the response marker to the next instruction marker, or to
  the end of the sequence).
"""
import contextlib
import datetime
import io
import json
import os
import subprocess
import sys
import types

import jinja2
import jinja2.ext
import jinja2.sandbox


def chat_environment():
    """The Jinja environment transformers' apply_chat_template renders chat templates in."""
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.datetime.now().strftime(fmt)
    return env


class TokenizerServer:
    def __init__(self, cmd, cwd):
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def ask(self, req):
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        out = json.loads(self.proc.stdout.readline())
        if isinstance(out, dict) and "error" in out:
            raise RuntimeError(out["error"])
        return out

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


class Encoding(dict):
    def __getattr__(self, name):
        return self[name]


class Tokenizer:
    """What the notebook cells call on a Hugging Face tokenizer, backed by the real tokenizer."""

    def __init__(self, server):
        self.server = server
        info = server.ask({"op": "info"})
        self.chat_template = info["chat_template"]
        self.bos_token = info["bos_token"]
        self.eos_token = info["eos_token"]
        self.pad_token = info["pad_token"]
        self.unk_token = info["unk_token"]
        self.bos_token_id = self.convert_tokens_to_ids(self.bos_token) if self.bos_token else None
        self.pad_token_id = self.convert_tokens_to_ids(self.pad_token) if self.pad_token else None
        self.unk_token_id = self.convert_tokens_to_ids(self.unk_token) if self.unk_token else None
        self.template = chat_environment().from_string(self.chat_template)

    def convert_tokens_to_ids(self, token):
        found = self.server.ask({"op": "token_id", "token": token})["id"]
        return self.unk_token_id if found is None else found

    def apply_chat_template(self, messages, tokenize=True, add_generation_prompt=False, **kwargs):
        special = {k: getattr(self, k) for k in ("bos_token", "eos_token", "pad_token", "unk_token") if getattr(self, k) is not None}
        text = self.template.render(messages=messages, add_generation_prompt=add_generation_prompt, **special, **kwargs)
        if tokenize:
            raise NotImplementedError("tokenize=True is not used by the checked cells")
        return text

    def _one(self, text, add_special_tokens, truncation, max_length, return_offsets_mapping):
        enc = self.server.ask({"op": "encode", "text": text, "add_special_tokens": add_special_tokens})
        ids, offsets = enc["ids"], [tuple(o) for o in enc["offsets"]]
        if truncation and max_length is not None:
            ids, offsets = ids[:max_length], offsets[:max_length]
        out = Encoding(input_ids=ids, attention_mask=[1] * len(ids))
        if return_offsets_mapping:
            out["offset_mapping"] = offsets
        return out

    def __call__(self, text, add_special_tokens=True, truncation=False, max_length=None, return_offsets_mapping=False, **_):
        if isinstance(text, list):
            rows = [self._one(t, add_special_tokens, truncation, max_length, return_offsets_mapping) for t in text]
            return Encoding({k: [r[k] for r in rows] for k in rows[0]} if rows else {"input_ids": [], "attention_mask": []})
        return self._one(text, add_special_tokens, truncation, max_length, return_offsets_mapping)

    def decode(self, ids, skip_special_tokens=False):
        return self.server.ask({"op": "decode", "ids": list(ids)})["text"]


class Dataset:
    """The parts of datasets.Dataset the notebook uses."""

    def __init__(self, rows):
        self.rows = rows

    @classmethod
    def from_list(cls, rows):
        return cls([dict(r) for r in rows])

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, key):
        if isinstance(key, str):
            return [r[key] for r in self.rows]
        return self.rows[key]

    @property
    def column_names(self):
        return list(self.rows[0].keys()) if self.rows else []

    def __iter__(self):
        return iter(self.rows)

    def map(self, fn, batched=False, with_indices=False, fn_kwargs=None, remove_columns=None, **_):
        kwargs = fn_kwargs or {}
        if not batched:
            rows = [{**r, **(fn(r, i, **kwargs) if with_indices else fn(r, **kwargs))} for i, r in enumerate(self.rows)]
        else:
            batch = {k: [r[k] for r in self.rows] for k in self.column_names}
            out = fn(batch, list(range(len(self.rows))), **kwargs) if with_indices else fn(batch, **kwargs)
            rows = [{**r, **{k: v[i] for k, v in out.items()}} for i, r in enumerate(self.rows)]
        for c in remove_columns or []:
            for r in rows:
                r.pop(c, None)
        return Dataset(rows)

    def filter(self, fn, with_indices=False, input_columns=None, batched=False, fn_kwargs=None, **_):
        """The rows for which `fn` is true, in order, as datasets.Dataset.filter: `fn` gets a row (or the whole batch,
        then returns one bool per row), or only `input_columns` as positional arguments, then the index if asked."""
        kwargs = fn_kwargs or {}
        columns = [input_columns] if isinstance(input_columns, str) else input_columns
        indices = list(range(len(self.rows)))
        if batched:
            batch = {k: [r[k] for r in self.rows] for k in self.column_names}
            args = [batch[c] for c in columns] if columns else [batch]
            keep = list(fn(*args, *([indices] if with_indices else []), **kwargs))
        else:
            keep = [fn(*([r[c] for c in columns] if columns else [r]), *([i] if with_indices else []), **kwargs) for i, r in enumerate(self.rows)]
        return Dataset([r for r, k in zip(self.rows, keep) if k])


def simulate_train_on_responses_only(trainer, instruction_part, response_part, **_):
    tok = trainer.processing_class
    q = tok(instruction_part, add_special_tokens=False)["input_ids"]
    a = tok(response_part, add_special_tokens=False)["input_ids"]

    def labels_for(ids):
        n = len(ids)
        labels = [-100] * n
        j = 0
        while j < n:
            if ids[j : j + len(a)] == a:
                start = j = j + len(a)
                while j < n:
                    if j == n - 1:
                        labels[start:n] = ids[start:n]
                        break
                    if ids[j : j + len(q)] == q:
                        labels[start:j] = ids[start:j]
                        j += len(q)
                        break
                    j += 1
            j += 1
        return labels

    def add_labels(batch):
        return {"labels": [labels_for(ids) for ids in batch["input_ids"]]}

    trainer.train_dataset = trainer.train_dataset.map(add_labels, batched=True)
    if trainer.eval_dataset is not None:
        trainer.eval_dataset = trainer.eval_dataset.map(add_labels, batched=True)
    return trainer


class SFTConfig(types.SimpleNamespace):
    pass


def make_sft_trainer(unsloth):
    class SFTTrainer:
        def __init__(self, model=None, processing_class=None, train_dataset=None, eval_dataset=None, args=None, data_collator=None):
            self.processing_class = processing_class
            self.args = args
            self.train_dataset = self._prepare(train_dataset)
            self.eval_dataset = self._prepare(eval_dataset)

        def _prepare(self, dataset):
            if dataset is None or not unsloth:
                return dataset
            tok = self.processing_class
            field = self.args.dataset_text_field
            first = dataset[0][field][0]  # the first character, as the pinned unsloth-zoo reads it
            add_special_tokens = True
            if tok.bos_token is not None and (first.startswith(tok.bos_token) or tok.bos_token in tok.chat_template):
                add_special_tokens = False

            def tokenize(batch):
                return tok(batch[field], truncation=True, max_length=self.args.max_length, add_special_tokens=add_special_tokens)

            return dataset.map(tokenize, batched=True, remove_columns=dataset.column_names)

    return SFTTrainer


def fake_modules(unsloth):
    torch = types.ModuleType("torch")
    torch.cuda = types.SimpleNamespace(is_bf16_supported=lambda: False, is_available=lambda: False)
    torch.manual_seed = lambda _seed: None
    torch.tensor = lambda x, **_: x
    torch.float16, torch.bfloat16, torch.float32 = "float16", "bfloat16", "float32"
    datasets = types.ModuleType("datasets")
    datasets.Dataset = Dataset
    trl = types.ModuleType("trl")
    trl.SFTConfig = SFTConfig
    trl.SFTTrainer = make_sft_trainer(unsloth)
    unsloth_mod = types.ModuleType("unsloth")
    chat_templates = types.ModuleType("unsloth.chat_templates")
    chat_templates.train_on_responses_only = simulate_train_on_responses_only
    unsloth_mod.chat_templates = chat_templates
    transformers = types.ModuleType("transformers")
    transformers.__version__ = "5.0.0"
    return {"torch": torch, "transformers": transformers, "datasets": datasets, "trl": trl, "unsloth": unsloth_mod, "unsloth.chat_templates": chat_templates}


def check(path, tokenizer):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    target = nb["metadata"]["slmgen"]["target"]
    cells = {c.get("id"): "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"}
    modules = fake_modules(target == "colab")
    sys.modules.update(modules)
    # What the skipped model-loading cell defines.
    ns = {"tokenizer": tokenizer, "text_tokenizer": tokenizer, "model": None, "torch": modules["torch"], "COMPUTE_DTYPE": "float32"}
    log = io.StringIO()
    result = {"path": path, "target": target}
    try:
        with contextlib.redirect_stdout(log):
            for cid in ("parameters", "settings", "load-dataset", "split", "chat-template", "trainer", "masking-check"):
                if cid in cells or cid != "parameters":  # the trl target has a parameters cell
                    exec(compile(cells[cid], f"{path}:{cid}", "exec"), ns)
    except Exception as e:  # the checks report it
        result["error"] = f"{type(e).__name__}: {e}"
    result["log"] = log.getvalue()
    trainer = ns.get("trainer")
    if trainer is not None:
        result["rows"] = [{"input_ids": list(r["input_ids"]), "labels": list(r["labels"])} for r in trainer.train_dataset.rows]
        result["eval_rows"] = None if trainer.eval_dataset is None else [{"input_ids": list(r["input_ids"]), "labels": list(r["labels"])} for r in trainer.eval_dataset.rows]
        result["eval_strategy"] = trainer.args.eval_strategy
    if "prepare_messages" in ns:
        messages = [ns["prepare_messages"](e["messages"]) for e in ns["train_examples"]]
        result["train_messages"] = messages
        result["train_examples"] = ns["train_examples"]
        result["train_renders"] = [tokenizer.apply_chat_template(m, tokenize=False, **ns["TEMPLATE_KWARGS"]) for m in messages]
    return result


if __name__ == "__main__":
    server = TokenizerServer(json.loads(os.environ["SLMGEN_TOKENIZER_CMD"]), os.environ["SLMGEN_TOKENIZER_CWD"])
    try:
        tok = Tokenizer(server)
        for p in sys.argv[1:]:
            print(json.dumps(check(p, tok), ensure_ascii=False))
    finally:
        server.close()
