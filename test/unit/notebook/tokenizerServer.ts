/**
 * A family's real tokenizer over stdin/stdout, one JSON request per line, for test/python/check_masking.py:
 * `{"op": "info"}`, `{"op": "encode", "text", "add_special_tokens"}` (ids and code-point offsets),
 * `{"op": "decode", "ids"}`, `{"op": "token_id", "token"}`. Usage: node --import tsx tokenizerServer.ts PACKAGE
 */
import { createInterface } from 'node:readline';
import { loadRealTokenizer } from './realTokenizers';
import type { RealPackage } from './realTokenizers';

const tok = loadRealTokenizer(process.argv[2] as RealPackage);

function answer(req: { op: string; text?: string; add_special_tokens?: boolean; ids?: number[]; token?: string }): unknown {
  switch (req.op) {
    case 'info':
      return {
        chat_template: tok.chatTemplate,
        bos_token: tok.specialToken('bos'),
        eos_token: tok.specialToken('eos'),
        pad_token: tok.specialToken('pad'),
        unk_token: tok.specialToken('unk'),
      };
    case 'encode':
      return tok.encodeWithOffsets(req.text ?? '', req.add_special_tokens ?? true);
    case 'decode':
      return { text: tok.decode(req.ids ?? []) };
    case 'token_id':
      return { id: tok.idOf(req.token ?? '') ?? null };
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let out: unknown;
  try {
    out = answer(JSON.parse(line) as { op: string });
  } catch (e) {
    out = { error: String(e) };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
});
