#!/usr/bin/env node
// Synthetic chat fine-tuning dataset generator (JSONL, {"messages":[...]}).
// Adapted from the project brief's shared generator; used by npm run bench.
//
// Usage:
//   node gen-dataset.mjs --out data.jsonl --size 100MB [--seed 1] [--profile mixed|short]
//                        [--dup-rate 0.05] [--near-rate 0.03] [--invalid-rate 0]
//                        [--truth truth.tsv]
//
// Content mix per message: ~70% English prose (Zipf-sampled vocabulary, markdown lists,
// numbers), ~15% prose + fenced code blocks (python/js/ts/sql/bash), ~8% CJK (zh/ja/ko with
// some English), ~7% prose with emoji (incl. ZWJ/flags/skin tones) and accented Latin.
// Lengths: log-uniform per message (user 50-1500 chars, assistant 50-4000, system from a
// pool of 40 prompts 50-600 chars). Turns: 1-6 user/assistant pairs (weighted toward 1).
// 60% of examples have a system message.
// Duplicates: --dup-rate of lines are exact duplicates of an earlier example after
// normalization (1/3 byte-identical, 1/3 re-serialized Python-style with ", "/": " separators
// and content/role key order, 1/3 with whitespace-only changes in the content).
// --near-rate of lines are near-duplicates: an earlier example with 1-3% of the words in its
// messages substituted/deleted/inserted (word 5-shingle Jaccard typically 0.75-0.95).
// --truth writes "line<TAB>kind<TAB>sourceLine" for every dup/near-dup line (1-based).
// Profile "short": 1 turn, user 20-400 chars, assistant 20-800 chars (Alpaca-like; many lines
// per MB) to measure per-line overheads.

import fs from 'node:fs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, arr) => {
    if (a.startsWith('--')) acc.push([a.slice(2), arr[i + 1] && !arr[i + 1].startsWith('--') ? arr[i + 1] : 'true']);
    return acc;
  }, []),
);
function parseSize(s) {
  const m = /^([\d.]+)\s*(kb|mb|gb|b)?$/i.exec(String(s));
  if (!m) throw new Error('bad --size ' + s);
  const mult = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] || 'b').toLowerCase()];
  return Math.round(parseFloat(m[1]) * mult);
}
const OUT = args.out || 'data.jsonl';
const TARGET = parseSize(args.size || '10MB');
const SEED = Number(args.seed || 1);
const PROFILE = args.profile || 'mixed';
const DUP_RATE = Number(args['dup-rate'] ?? 0.05);
const NEAR_RATE = Number(args['near-rate'] ?? 0.03);
const INVALID_RATE = Number(args['invalid-rate'] ?? 0);
const TRUTH = args.truth;

// ---------- PRNG (mulberry32) ----------
let s = SEED >>> 0;
function rnd() {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const ri = (a, b) => a + Math.floor(rnd() * (b - a + 1)); // inclusive
const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
const logUniform = (a, b) => Math.round(Math.exp(Math.log(a) + rnd() * (Math.log(b) - Math.log(a))));
function weighted(pairs) {
  let r = rnd() * pairs.reduce((x, p) => x + p[1], 0);
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs[pairs.length - 1][0];
}

// ---------- vocabularies ----------
const WORDS = (
  'the of and to a in is it you that he was for on are with as I his they be at one have this from or had by ' +
  'hot word but what some we can out other were all there when up use your how said an each she which do their ' +
  'time if will way about many then them write would like so these her long make thing see him two has look more ' +
  'day could go come did number sound no most people my over know water than call first who may down side been now ' +
  'find any new work part take get place made live where after back little only round man year came show every good ' +
  'me give our under name very through just form sentence great think say help low line differ turn cause much mean ' +
  'before move right boy old too same tell does set three want air well also play small end put home read hand port ' +
  'large spell add even land here must big high such follow act why ask men change went light kind off need house ' +
  'picture try us again animal point mother world near build self earth father head stand own page should country ' +
  'found answer school grow study still learn plant cover food sun four between state keep eye never last let thought ' +
  'city tree cross farm hard start might story saw far sea draw left late run while press close night real life few ' +
  'north open seem together next white children begin got walk example ease paper group always music those both mark ' +
  'often letter until mile river car feet care second book carry took science eat room friend began idea fish mountain ' +
  'stop once base hear horse cut sure watch color face wood main enough plain girl usual young ready above ever red list ' +
  'though feel talk bird soon body dog family direct pose leave song measure door product black short numeral class wind ' +
  'question happen complete ship area half rock order fire south problem piece told knew pass since top whole king space ' +
  'heard best hour better true during hundred five remember step early hold west ground interest reach fast verb sing ' +
  'listen six table travel less morning ten simple several vowel toward war lay against pattern slow center love person ' +
  'money serve appear road map rain rule govern pull cold notice voice unit power town fine certain fly fall lead cry dark ' +
  'machine note wait plan figure star box noun field rest correct able pound done beauty drive stood contain front teach ' +
  'week final gave green oh quick develop ocean warm free minute strong special mind behind clear tail produce fact street ' +
  'inch multiply nothing course stay wheel full force blue object decide surface deep moon island foot system busy test ' +
  'record boat common gold possible plane stead dry wonder laugh thousand ago ran check game shape equate miss brought heat ' +
  'snow tire bring yes distant fill east paint language among grand ball yet wave drop heart present heavy dance engine ' +
  'position arm wide sail material size vary settle speak weight general ice matter circle pair include divide syllable ' +
  'felt perhaps pick sudden count square reason length represent art subject region energy hunt probable bed brother egg ' +
  'ride cell believe fraction forest sit race window store summer train sleep prove lone leg exercise wall catch mount wish ' +
  'function variable database query server request response error value array object string model training dataset token ' +
  'tokens prompt assistant user customer order refund account password network latency memory performance configuration ' +
  'install deploy build compile runtime library framework component interface module package version update release ' +
  'analysis summary report policy invoice shipping delivery payment subscription feature issue support documentation'
).split(' ');
// Zipf-ish weights: rank r -> 1/(r+8)
const CUM = [];
{
  let acc = 0;
  for (let r = 0; r < WORDS.length; r++) CUM.push((acc += 1 / (r + 8)));
}
function zipfWord() {
  const x = rnd() * CUM[CUM.length - 1];
  let lo = 0, hi = CUM.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUM[mid] < x) lo = mid + 1; else hi = mid;
  }
  return WORDS[lo];
}
const NAMES = ['Alice', 'Bob', 'Priya', 'Chen', 'Fatima', 'Lars', 'Kenji', 'María', 'José', 'Zoë', 'Acme Corp', 'Python', 'TypeScript', 'PostgreSQL', 'Kubernetes', 'AWS', 'React'];
const ACCENTED = ['café', 'naïve', 'résumé', 'façade', 'jalapeño', 'Müller', 'Straße', 'São Paulo', 'Zürich', 'crème brûlée', 'déjà vu', 'Łódź', 'Ærøskøbing', 'coöperate', 'piñata'];
const EMOJI = ['😀', '😂', '🙏', '👍', '🔥', '✨', '🚀', '💡', '✅', '❌', '⚠️', '📦', '🎉', '❤️', '🤖', '👋🏽', '👩‍💻', '👨‍👩‍👧‍👦', '🇺🇸', '🇯🇵', '🏳️‍🌈', '🧪', '📈', '🙂', '😅'];
const ZH = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严';
const JA_KANA = 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだでどばびぶべぼアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンー';
const KO = '가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히는을를에서의한다습니요';
const SYSTEM_POOL = [];

function sentence(minW = 4, maxW = 22) {
  const n = ri(minW, maxW);
  const w = [];
  for (let i = 0; i < n; i++) {
    let x = zipfWord();
    const r = rnd();
    if (r < 0.02) x = pick(NAMES);
    else if (r < 0.03) x = String(ri(0, 5000));
    else if (r < 0.035) x = ri(1, 99) + '.' + ri(0, 99) + '%';
    w.push(x);
    if (i < n - 1 && rnd() < 0.07) w[w.length - 1] += ',';
  }
  w[0] = w[0][0].toUpperCase() + w[0].slice(1);
  return w.join(' ') + weighted([['.', 80], ['?', 10], ['!', 5], [':', 5]]);
}
function prose(len, flavor) {
  const parts = [];
  let size = 0;
  while (size < len) {
    let p;
    const r = rnd();
    if (r < 0.12) {
      const k = ri(2, 6);
      const items = [];
      for (let i = 0; i < k; i++) items.push((rnd() < 0.5 ? `${i + 1}. ` : '- ') + (rnd() < 0.3 ? '**' + zipfWord() + '**: ' : '') + sentence(3, 12));
      p = items.join('\n');
    } else {
      const k = ri(1, 5);
      const ss = [];
      for (let i = 0; i < k; i++) {
        let sn = sentence();
        if (flavor === 'emoji' && rnd() < 0.5) sn += ' ' + pick(EMOJI);
        if (flavor === 'emoji' && rnd() < 0.3) sn = sn.replace(/ (\w+) /, ` ${pick(ACCENTED)} `);
        ss.push(sn);
      }
      p = ss.join(' ');
    }
    if (rnd() < 0.08) p = '## ' + sentence(2, 6).slice(0, -1) + '\n\n' + p;
    parts.push(p);
    size += p.length + 2;
  }
  return trimTo(parts.join('\n\n'), len);
}
function trimTo(t, len) {
  if (t.length <= len) return t;
  let cut = t.lastIndexOf(' ', len);
  if (cut < len * 0.6) cut = len;
  // do not split a surrogate pair
  const c = t.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return t.slice(0, cut).trimEnd();
}
const IDENT = ['data', 'items', 'result', 'config', 'user_id', 'response', 'payload', 'df', 'model', 'tokens', 'batch', 'cache', 'count', 'path', 'value', 'row', 'node', 'client', 'session', 'total'];
function codeBlock() {
  const lang = weighted([['python', 40], ['javascript', 20], ['typescript', 15], ['sql', 10], ['bash', 10], ['json', 5]]);
  const a = pick(IDENT), b = pick(IDENT), c = pick(IDENT), fn = pick(['process', 'load', 'parse', 'compute', 'fetch', 'validate', 'transform']) + '_' + pick(IDENT);
  const n = ri(2, 200);
  let body;
  switch (lang) {
    case 'python':
      body = `import json\nfrom typing import Any\n\ndef ${fn}(${a}: list[dict[str, Any]], ${b}: int = ${n}) -> dict:\n    """${sentence(3, 10)}"""\n    ${c} = {}\n    for i, item in enumerate(${a}):\n        if i >= ${b}:\n            break\n        key = item.get("${pick(IDENT)}", None)\n        if key is None:\n            continue\n        ${c}[key] = ${c}.get(key, 0) + len(str(item))\n    return ${c}\n\nif __name__ == "__main__":\n    print(${fn}(json.load(open("${pick(IDENT)}.json")), ${b}=${ri(1, 50)}))`;
      break;
    case 'javascript':
      body = `async function ${fn.replace(/_(\w)/g, (m, x) => x.toUpperCase())}(${a}, { ${b} = ${n} } = {}) {\n  const ${c} = new Map();\n  for (const [i, item] of ${a}.entries()) {\n    if (i >= ${b}) break;\n    const key = item?.${pick(IDENT)} ?? 'unknown';\n    ${c}.set(key, (${c}.get(key) || 0) + JSON.stringify(item).length);\n  }\n  return Object.fromEntries(${c});\n}\n\nconsole.log(await ${fn.replace(/_(\w)/g, (m, x) => x.toUpperCase())}([{ id: ${ri(1, 99)} }]));`;
      break;
    case 'typescript':
      body = `interface ${a[0].toUpperCase() + a.slice(1).replace(/_/g, '')} {\n  id: number;\n  ${b}: string;\n  ${c}?: Record<string, number>;\n}\n\nexport function ${fn.replace(/_(\w)/g, (m, x) => x.toUpperCase())}(rows: ${a[0].toUpperCase() + a.slice(1).replace(/_/g, '')}[]): number {\n  return rows.filter((r) => r.id > ${n}).reduce((acc, r) => acc + r.${b}.length, 0);\n}`;
      break;
    case 'sql':
      body = `SELECT u.id, u.name, COUNT(o.id) AS ${a}_count, SUM(o.amount) AS ${b}_total\nFROM users u\nLEFT JOIN orders o ON o.user_id = u.id AND o.created_at >= NOW() - INTERVAL '${ri(1, 90)} days'\nWHERE u.status = '${pick(['active', 'trial', 'paused'])}'\nGROUP BY u.id, u.name\nHAVING COUNT(o.id) > ${ri(0, 10)}\nORDER BY ${b}_total DESC\nLIMIT ${n};`;
      break;
    case 'bash':
      body = `#!/usr/bin/env bash\nset -euo pipefail\nfor f in ./${a}/*.jsonl; do\n  echo "processing $f"\n  wc -l "$f" | awk '{print $1}' >> ${b}.txt\n  grep -c '"role": "assistant"' "$f" || true\ndone\npython3 -m pip install --quiet ${pick(['requests', 'numpy', 'pandas', 'tiktoken'])}==${ri(1, 3)}.${ri(0, 30)}.${ri(0, 9)}`;
      break;
    default:
      body = JSON.stringify({ id: n, [a]: [1, 2, 3].map((x) => x * n), [b]: { enabled: rnd() < 0.5, name: pick(NAMES) }, [c]: sentence(2, 6) }, null, 2);
  }
  return '```' + lang + '\n' + body + '\n```';
}
function codeText(len) {
  const parts = [sentence()];
  let size = parts[0].length;
  while (size < len) {
    const p = rnd() < 0.5 ? codeBlock() : prose(ri(80, 400));
    parts.push(p);
    size += p.length + 2;
  }
  return trimTo(parts.join('\n\n'), Math.max(len, 60));
}
function cjkText(len) {
  const lang = weighted([['zh', 60], ['ja', 25], ['ko', 15]]);
  let out = '';
  while (out.length < len) {
    let sn = '';
    const k = ri(6, 30);
    for (let i = 0; i < k; i++) {
      if (lang === 'zh') sn += ZH[Math.floor(rnd() * rnd() * ZH.length)];
      else if (lang === 'ja') sn += rnd() < 0.6 ? JA_KANA[Math.floor(rnd() * JA_KANA.length)] : ZH[Math.floor(rnd() * rnd() * ZH.length)];
      else { sn += KO[Math.floor(rnd() * KO.length)]; if (rnd() < 0.3) sn += ' '; }
      if (rnd() < 0.04) sn += ' ' + pick(NAMES) + ' ';
    }
    sn += lang === 'ko' ? '. ' : pick(['。', '？', '！', '，']);
    if (rnd() < 0.1) sn += '\n';
    if (rnd() < 0.05) sn += ' ' + pick(EMOJI);
    out += sn;
  }
  return trimTo(out, len);
}
function content(len, role) {
  if (PROFILE === 'short') return prose(len);
  const kind = role === 'system' ? 'prose' : weighted([['prose', 70], ['code', 15], ['cjk', 8], ['emoji', 7]]);
  if (kind === 'code' && role === 'user' && rnd() < 0.5) return prose(len);
  if (kind === 'code') return codeText(len);
  if (kind === 'cjk') return cjkText(len);
  return prose(len, kind === 'emoji' ? 'emoji' : undefined);
}
for (let i = 0; i < 40; i++) {
  SYSTEM_POOL.push('You are ' + pick(['a helpful assistant', 'a customer support agent for ' + pick(NAMES), 'an expert Python tutor', 'a concise technical writer', 'a friendly travel planner', 'a SQL expert', '一个乐于助人的助手']) + '. ' + prose(logUniform(30, 550)));
}
function makeExample() {
  const messages = [];
  if (PROFILE === 'short') {
    if (rnd() < 0.3) messages.push({ role: 'system', content: pick(SYSTEM_POOL) });
    messages.push({ role: 'user', content: content(logUniform(20, 400), 'user') });
    messages.push({ role: 'assistant', content: content(logUniform(20, 800), 'assistant') });
    return { messages };
  }
  if (rnd() < 0.6) messages.push({ role: 'system', content: pick(SYSTEM_POOL) });
  const turns = weighted([[1, 40], [2, 20], [3, 15], [4, 10], [5, 8], [6, 7]]);
  for (let t = 0; t < turns; t++) {
    messages.push({ role: 'user', content: content(logUniform(50, 1500), 'user') });
    messages.push({ role: 'assistant', content: content(logUniform(50, 4000), 'assistant') });
  }
  return { messages };
}
function pySerialize(ex) {
  // Python json.dumps(ensure_ascii=False) style, with content before role.
  return '{"messages": [' + ex.messages.map((m) => `{"content": ${JSON.stringify(m.content)}, "role": ${JSON.stringify(m.role)}}`).join(', ') + ']}';
}
function wsVariant(ex) {
  return {
    messages: ex.messages.map((m, i) => ({
      role: m.role,
      content: i === ex.messages.length - 1 ? m.content + '\n' : rnd() < 0.5 ? ' ' + m.content.replace(/ /, '  ') : m.content,
    })),
  };
}
function nearVariant(ex) {
  return {
    messages: ex.messages.map((m) => {
      if (m.role === 'system') return m;
      const words = m.content.split(' ');
      const edits = Math.max(1, Math.round(words.length * (0.01 + rnd() * 0.02)));
      for (let e = 0; e < edits; e++) {
        const j = ri(0, words.length - 1);
        const op = rnd();
        if (op < 0.5) words[j] = zipfWord();
        else if (op < 0.75) words.splice(j, 1);
        else words.splice(j, 0, zipfWord());
      }
      return { role: m.role, content: words.join(' ') };
    }),
  };
}

// ---------- main loop ----------
const fd = fs.openSync(OUT, 'w');
const truth = TRUTH ? fs.openSync(TRUTH, 'w') : null;
const POOL_MAX = 20000;
const pool = []; // {ex, line}
let written = 0, line = 0, buf = [], bufLen = 0, truthBuf = [];
const counts = { unique: 0, exact: 0, exactPy: 0, exactWs: 0, near: 0, invalid: 0 };
function emit(str) {
  buf.push(str);
  bufLen += Buffer.byteLength(str) + 1;
  if (bufLen > 4 << 20) flush();
}
function flush() {
  if (!buf.length) return;
  const data = buf.join('\n') + '\n';
  fs.writeSync(fd, data);
  written += Buffer.byteLength(data);
  buf = []; bufLen = 0;
  if (truth && truthBuf.length) { fs.writeSync(truth, truthBuf.join('')); truthBuf = []; }
}
while (written + bufLen < TARGET) {
  line++;
  const r = rnd();
  if (INVALID_RATE > 0 && r < INVALID_RATE) {
    counts.invalid++;
    emit(pick(['{"messages": [{"role": "user", "content": "truncated', '{"messages": [{"role": "human", "content": "hi"}, {"role": "assistant", "content": "hello"}]}', '{"msgs": []}', '']));
    continue;
  }
  if (pool.length > 50 && r < INVALID_RATE + DUP_RATE) {
    const src = pick(pool);
    const v = rnd();
    if (v < 1 / 3) { emit(JSON.stringify(src.ex)); counts.exact++; }
    else if (v < 2 / 3) { emit(pySerialize(src.ex)); counts.exactPy++; }
    else { emit(JSON.stringify(wsVariant(src.ex))); counts.exactWs++; }
    if (truth) truthBuf.push(`${line}\texact\t${src.line}\n`);
    continue;
  }
  if (pool.length > 50 && r < INVALID_RATE + DUP_RATE + NEAR_RATE) {
    const src = pick(pool);
    emit(JSON.stringify(nearVariant(src.ex)));
    counts.near++;
    if (truth) truthBuf.push(`${line}\tnear\t${src.line}\n`);
    continue;
  }
  const ex = makeExample();
  counts.unique++;
  if (pool.length < POOL_MAX) pool.push({ ex, line });
  else if (rnd() < 0.05) pool[ri(0, POOL_MAX - 1)] = { ex, line };
  emit(JSON.stringify(ex));
}
flush();
fs.closeSync(fd);
if (truth) fs.closeSync(truth);
console.error(JSON.stringify({ out: OUT, bytes: written, lines: line, ...counts }));
