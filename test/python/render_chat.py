"""Render chat templates with Python's Jinja as transformers' apply_chat_template does (check_masking.chat_environment).

One JSON request per input line: {"template", "messages", "add_generation_prompt", "kwargs", "special"} (special:
bos_token, eos_token, ...); one JSON line out per request: {"text": "..."} or {"error": "..."}.
"""
import json
import sys

from check_masking import chat_environment

env = chat_environment()
templates = {}
for line in sys.stdin:
    req = json.loads(line)
    try:
        source = req["template"]
        if source not in templates:
            templates[source] = env.from_string(source)
        text = templates[source].render(messages=req["messages"], add_generation_prompt=req.get("add_generation_prompt", False), **req.get("special", {}), **req.get("kwargs", {}))
        print(json.dumps({"text": text}))
    except Exception as err:  # the test names the failing request
        print(json.dumps({"error": f"{type(err).__name__}: {err}"}))
