// Duplicate-detection benchmark: speed of the fused exact hash, shingling, OPH vs classic MinHash, LSH + verification,
// and precision/recall against the generator's planted duplicates.
// Usage: npx tsx bench/dedup.ts [--size 20MB] [--seed 1] [--threshold 0.8] [--gen path/to/gen-dataset.mjs]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChatExample } from '../src/core/formats/chat';
import { hashCanonicalExample, hashPromptAndReply } from '../src/core/dedup/hash';
import { jaccard } from '../src/core/dedup/jaccard';
import { estimateSimilarity, lshBandKeys, minhashSignature, minhashSignatureClassic } from '../src/core/dedup/minhash';
import { findNearDuplicates } from '../src/core/dedup/nearDuplicates';
import type { NearDuplicateResult } from '../src/core/dedup/nearDuplicates';
import { shingleHashes } from '../src/core/dedup/shingles';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const size = arg('size', '20MB');
const seed = arg('seed', '1');
const threshold = Number(arg('threshold', '0.8'));
const genCandidates = [arg('gen', ''), resolve(__dirname, 'genDataset.mjs')];
const gen = genCandidates.find((p) => p !== '' && existsSync(p));
if (gen === undefined) throw new Error('genDataset.mjs not found; pass --gen');

const dir = mkdtempSync(join(tmpdir(), 'slmgen-dedup-'));
const dataPath = join(dir, 'data.jsonl');
const truthPath = join(dir, 'truth.tsv');
try {
  execFileSync(process.execPath, [gen, '--out', dataPath, '--size', size, '--seed', seed, '--truth', truthPath], { stdio: 'ignore' });
  run();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Best of `reps` timings of `fn` over all examples, in ms. */
function time(reps: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function run(): void {
  const lines = readFileSync(dataPath, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const examples: ChatExample[] = lines.map((line) => {
    try {
      const obj = JSON.parse(line) as { messages?: ChatExample['messages'] };
      return { messages: Array.isArray(obj.messages) ? obj.messages : [] };
    } catch {
      return { messages: [] };
    }
  });
  const n = examples.length;
  let contentBytes = 0;
  for (const e of examples) for (const m of e.messages) contentBytes += Buffer.byteLength(m.content);
  const mb = contentBytes / 1e6;

  const truth = readFileSync(truthPath, 'utf8').trim().split('\n').map((l) => {
    const [line, kind, src] = l.split('\t');
    return { i: Number(line) - 1, kind: kind ?? '', src: Number(src) - 1 };
  });
  const family = new Int32Array(n).map((_, i) => i);
  for (const t of truth) family[t.i] = t.src;

  const rows: [string, number, string][] = [];
  const add = (step: string, ms: number, extra = ''): void => {
    rows.push([step, ms, extra]);
  };

  // Exact duplicates.
  let hashes: number[] = [];
  add('hashCanonicalExample (fused)', time(5, () => {
    hashes = examples.map(hashCanonicalExample);
  }));
  add('hashPromptAndReply', time(5, () => {
    for (const e of examples) hashPromptAndReply(e);
  }));
  const exactTruth = truth.filter((t) => t.kind === 'exact');
  const exactFound = exactTruth.filter((t) => hashes[t.i] === hashes[t.src]).length;
  const firstByHash = new Map<number, number>();
  let exactReported = 0;
  let exactUnplanted = 0;
  hashes.forEach((h, i) => {
    const first = firstByHash.get(h);
    if (first === undefined) {
      firstByHash.set(h, i);
      return;
    }
    exactReported++;
    if (family[i] !== family[first]) exactUnplanted++;
  });

  // Shingles and signatures.
  let shingles: Uint32Array[] = [];
  add('shingleHashes (k=5)', time(3, () => {
    shingles = examples.map((e) => shingleHashes(e));
  }));
  let oph: (Uint32Array | null)[] = [];
  let classic: (Uint32Array | null)[] = [];
  add('minhashSignature (OPH, 128 bins)', time(3, () => {
    oph = shingles.map(minhashSignature);
  }));
  add('minhashSignatureClassic (128 perms)', time(1, () => {
    classic = shingles.map(minhashSignatureClassic);
  }));
  let ophKeys: (Uint32Array | null)[] = [];
  add('lshBandKeys (16×8)', time(3, () => {
    ophKeys = oph.map((s) => (s === null ? null : lshBandKeys(s)));
  }));
  const classicKeys = classic.map((s) => (s === null ? null : lshBandKeys(s)));

  const nearTruth = truth.filter((t) => t.kind === 'near').map((t) => ({ ...t, j: jaccard(shingles[t.i]!, shingles[t.src]!) }));
  const results: Record<string, { res: NearDuplicateResult; ms: number }> = {};
  for (const [name, keys] of [['OPH', ophKeys], ['classic', classicKeys]] as const) {
    let res: NearDuplicateResult | undefined;
    const ms = time(3, () => {
      res = findNearDuplicates({
        count: n,
        bandKeys: (i) => keys[i] ?? null,
        shingles: (i) => shingles[i]!,
        exactGroupOf: (i) => hashes[i]!,
        threshold,
      });
    });
    results[name] = { res: res!, ms };
    add(`LSH + verify + union-find (${name})`, ms, `${res!.candidatePairs} candidate pairs, ${res!.verifiedPairs} verified`);
  }

  const line = '-'.repeat(100);
  console.log(`\n${n} examples, ${(readFileSync(dataPath).length / 1e6).toFixed(1)} MB file, ${mb.toFixed(1)} MB message content (size ${size}, seed ${seed}, threshold ${threshold})`);
  console.log(line);
  console.log('step'.padEnd(40) + 'ms'.padStart(9) + 'examples/s'.padStart(13) + 'content MB/s'.padStart(14) + '  notes');
  console.log(line);
  for (const [step, ms, extra] of rows) {
    console.log(step.padEnd(40) + ms.toFixed(1).padStart(9) + Math.round((n / ms) * 1000).toLocaleString('en').padStart(13) + ((mb / ms) * 1000).toFixed(1).padStart(14) + '  ' + extra);
  }
  console.log(line);
  console.log(`exact duplicates: recall ${exactFound}/${exactTruth.length} (${pct(exactFound, exactTruth.length)}), ` +
    `${exactReported} reported copies, ${exactUnplanted} not planted`);

  const buckets: [string, (j: number) => boolean][] = [
    ['<0.5', (j) => j < 0.5], ['0.5–0.7', (j) => j >= 0.5 && j < 0.7], ['0.7–0.8', (j) => j >= 0.7 && j < 0.8],
    ['0.8–0.9', (j) => j >= 0.8 && j < 0.9], ['≥0.9', (j) => j >= 0.9],
  ];
  console.log(`near truth pairs: ${nearTruth.length}; true Jaccard ` + buckets.map(([b, f]) => `${b}: ${nearTruth.filter((t) => f(t.j)).length}`).join(', '));

  for (const [name, { res }] of Object.entries(results)) {
    const clusterOf = new Int32Array(n).fill(-1);
    res.clusters.forEach((c, ci) => c.members.forEach((m) => (clusterOf[m] = ci)));
    const same = (a: number, b: number): boolean => clusterOf[a]! >= 0 && clusterOf[a] === clusterOf[b];
    const eligible = nearTruth.filter((t) => t.j >= threshold);
    const found = eligible.filter((t) => same(t.i, t.src)).length;
    const foundAll = nearTruth.filter((t) => same(t.i, t.src)).length;
    // Precision over every pair inside a reported cluster (transitive members included).
    let pairs = 0;
    let planted = 0;
    let similarOnly = 0;
    for (const c of res.clusters) {
      for (let x = 0; x < c.members.length; x++) {
        for (let y = x + 1; y < c.members.length; y++) {
          const a = c.members[x]!;
          const b = c.members[y]!;
          pairs++;
          if (family[a] === family[b]) planted++;
          else if (jaccard(shingles[a]!, shingles[b]!) >= threshold) similarOnly++;
        }
      }
    }
    const sigs = name === 'OPH' ? oph : classic;
    let errSum = 0;
    for (const t of nearTruth) errSum += Math.abs(estimateSimilarity(sigs[t.i]!, sigs[t.src]!) - t.j);
    console.log(`${name.padEnd(8)} recall J≥${threshold}: ${found}/${eligible.length} (${pct(found, eligible.length)}); all near truth pairs: ` +
      `${foundAll}/${nearTruth.length} (${pct(foundAll, nearTruth.length)}); clusters ${res.clusters.length}; ` +
      `precision ${pct(planted + similarOnly, pairs)} (${pairs} in-cluster pairs: ${planted} planted, ${similarOnly} unplanted but J≥${threshold}); ` +
      `mean |estimate − true J| on truth pairs ${(errSum / Math.max(1, nearTruth.length)).toFixed(3)}`);
  }
}

function pct(a: number, b: number): string {
  return b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`;
}
