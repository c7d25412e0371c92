/**
 * Node-side loading of exact BPE encoders: tiktoken's lite WASM build (the Rust core OpenAI's Python tiktoken
 * uses, so counts match Python exactly) with the ranks read from JSON files at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tiktokenLite from 'tiktoken/lite/init';
import type { Tiktoken } from 'tiktoken/lite/init';
import { estimateTokens, createEstimateEncoder } from '../core/tokens/estimate';
import { PieceCounter } from '../core/tokens/pretokenize';
import type { TokenEncoder } from '../core/tokens/encoder';
import type { EncodingName } from '../core/types';

/** The ranks file format shipped in `tiktoken/encoders/*.json`. */
interface RanksFile {
  bpe_ranks: string;
  special_tokens: Record<string, number>;
  pat_str: string;
}

/** wasm-bindgen glue of `tiktoken/lite`; `__wbg_set_wasm` is not in its typings but is how the glue is wired. */
type WasmGlue = typeof tiktokenLite & { __wbg_set_wasm(exports: unknown): void };

/** The part of the WebAssembly global we use (lib ES2022 and @types/node 20 do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: unknown };
}

const loaded = new Map<EncodingName, Tiktoken>();
let wasmReady = false;

/**
 * Path of a tokenizer asset: next to the running bundle (esbuild.mjs copies them into dist/), otherwise from
 * node_modules (tests and scripts run from TypeScript sources).
 */
function assetPath(bundled: string, packagePath: string): string {
  const local = join(__dirname, bundled);
  if (existsSync(local)) return local;
  try {
    return require.resolve(packagePath);
  } catch {
    throw new Error(`Tokenizer asset ${bundled} not found next to ${__dirname} nor as ${packagePath}`);
  }
}

/** Instantiate the WASM module synchronously, once per process or worker. */
function ensureWasm(): void {
  if (wasmReady) return;
  const bytes = readFileSync(assetPath('tiktoken_bg.wasm', 'tiktoken/lite/tiktoken_bg.wasm'));
  const glue = tiktokenLite as WasmGlue;
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const instance = new wasm.Instance(new wasm.Module(bytes), { './tiktoken_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  wasmReady = true;
}

function tiktokenFor(name: EncodingName): Tiktoken {
  const existing = loaded.get(name);
  if (existing) return existing;
  ensureWasm();
  const file = assetPath(join('encoders', `${name}.json`), `tiktoken/encoders/${name}.json`);
  const ranks = JSON.parse(readFileSync(file, 'utf8')) as RanksFile;
  const tiktoken = new tiktokenLite.Tiktoken(ranks.bpe_ranks, ranks.special_tokens, ranks.pat_str);
  loaded.set(name, tiktoken);
  return tiktoken;
}

/** Options of {@link loadEncoder}. */
export interface LoadEncoderOptions {
  /**
   * Pre-tokenize in JavaScript and count each distinct piece once (default true; same counts, 3.0× (o200k_base) and
   * 3.6× (cl100k_base) faster on the bench corpus, bench/tokens.ts).
   * False hands every whole text to tiktoken (the reference the piece counter is tested against).
   */
  pieceCache?: boolean;
}

/** tiktoken's count of one text, special-token text as plain text; throws on a WASM fault (e.g. out of memory). */
function encodedLength(name: EncodingName, text: string): number {
  // Looked up per call so an encoder obtained before freeEncoders() transparently reloads.
  return tiktokenFor(name).encode_ordinary(text).length;
}

/** The byte length of each token tiktoken makes of `text` (special-token text as plain text). */
function tokenByteLengths(name: EncodingName, text: string): Int32Array {
  const tiktoken = tiktokenFor(name);
  const ids = tiktoken.encode_ordinary(text);
  const lengths = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) lengths[i] = tiktoken.decode_single_token_bytes(ids[i] as number).length;
  return lengths;
}

/** The rank of the token whose bytes are `bytes`, or -1 when they are not one token. */
function tokenRank(name: EncodingName, bytes: Uint8Array): number {
  try {
    return tiktokenFor(name).encode_single_token(bytes);
  } catch {
    return -1;
  }
}

/** {@link encodedLength}; only a WASM fault falls back to the estimate. */
function wasmCount(name: EncodingName, text: string): number {
  try {
    return encodedLength(name, text);
  } catch {
    return estimateTokens(text);
  }
}

const pieceCounters = new Map<EncodingName, PieceCounter>();

/**
 * The piece counter of `name` for this thread: one per encoding, shared by every encoder `loadEncoder` returns, so
 * its compiled pattern (~7 ms to build) and its cache of piece counts serve every analysis and preview.
 */
function pieceCounterFor(name: EncodingName): PieceCounter {
  let counter = pieceCounters.get(name);
  if (counter === undefined) {
    // A WASM fault on a piece counts that occurrence by the estimate and is not cached.
    counter = new PieceCounter(name, (piece) => encodedLength(name, piece), estimateTokens, (piece) => tokenByteLengths(name, piece), (bytes) =>
      tokenRank(name, bytes),
    );
    pieceCounters.set(name, counter);
  }
  return counter;
}

/** Pieces this thread has handed to the WASM encoder for `name` (diagnostics, tests). */
export function encodedPieces(name: EncodingName): number {
  return pieceCounters.get(name)?.encoded ?? 0;
}

/**
 * The exact encoder for `name`. Loads lazily (WASM ~1 MB, ranks 1–2.3 MB; 100–300 ms) on first use and is
 * cached for the process; throws if the assets cannot be found. Special-token text counts as plain text
 * (`encode_ordinary`). Encoders of one encoding share the thread's piece counter (counting is synchronous).
 */
export function loadEncoder(name: EncodingName, options: LoadEncoderOptions = {}): TokenEncoder {
  tiktokenFor(name);
  if (options.pieceCache === false) return { name, exact: true, count: (text) => wasmCount(name, text) };
  const pieces = pieceCounterFor(name);
  return { name, exact: true, linearOnLongRuns: true, count: (text) => pieces.count(text) };
}

/** {@link loadEncoder}, or the estimate encoder when the tokenizer assets cannot be loaded. */
export function loadEncoderOrEstimate(name: EncodingName): TokenEncoder {
  try {
    return loadEncoder(name);
  } catch {
    return createEstimateEncoder(name);
  }
}

/** Free the WASM-side memory of all loaded encodings (tests; long-lived hosts that are done counting). */
export function freeEncoders(): void {
  for (const tiktoken of loaded.values()) tiktoken.free();
  loaded.clear();
}
