/**
 * A varied, deterministic corpus for token-count comparisons: prose, code, JSON, CJK, emoji, other scripts, numbers,
 * whitespace and special-token text, plus seeded combinations of them.
 */
const prose = [
  'The quick brown fox jumps over the lazy dog.',
  "It's a truth universally acknowledged that a single man in possession of a good fortune must be in want of a wife.",
  'Fine-tuning a small model needs clean, deduplicated data; otherwise it memorizes noise.',
  "Don't forget: we'll meet at 10:30 a.m. (sharp) — they're expecting us!",
  'ALL CAPS HEADLINE: MARKETS RALLY AS RATES FALL',
  'Mr. O\'Neill said, "I\'ve never seen anything like it," and left.',
  '- item one\n- item two\n  - nested item\n1. numbered\n2. list',
  '# Heading\n\nSome **bold** and _italic_ text with a [link](https://example.com/path?q=1&r=2).',
  'E-mail me at jane.doe+test@example.org or call +1 (555) 010-9999.',
  'Paragraph one.\n\nParagraph two, after a blank line.\r\nWindows line ending here.\r\n',
  'supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis',
  'Tabs\tseparate\tcolumns\tin\tthis\tline.',
  'URLs like https://github.com/openai/tiktoken/blob/main/README.md#usage are common.',
  'Version 1.2.3-beta.4+build.567 was released on 2024-03-15T12:34:56Z.',
  'She sells sea shells by the sea shore; the shells she sells are surely sea shells.',
];

const code = [
  'def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n',
  'import numpy as np\nx = np.arange(10).reshape(2, 5)\nprint(x.T @ x)\n',
  'function add(a, b) {\n  return a + b;\n}\nconsole.log(add(1, 2));',
  'const xs = [1, 2, 3].map((x) => x ** 2).filter(Boolean);',
  'export interface User {\n  id: number;\n  name?: string;\n}\n',
  'fn main() {\n    let v: Vec<i32> = (0..10).collect();\n    println!("{:?}", v);\n}',
  'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello")\n}\n',
  'SELECT u.id, COUNT(*) AS n FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.id HAVING n > 5;',
  '#!/usr/bin/env bash\nset -euo pipefail\nfor f in *.jsonl; do wc -l "$f"; done\n',
  '<div class="card"><p>Hello &amp; welcome</p></div>',
  '#include <stdio.h>\nint main(void) { printf("%d\\n", 42); return 0; }',
  'public static void main(String[] args) { System.out.println("Hi"); }',
  '    indented    code    with    many    spaces',
  'x=1;y=2;z=x+y;if(z>2){z--;}else{z++;}',
  'const re = /^(?:[a-z0-9!#$%&\'*+/=?^_`{|}~-]+)$/i;',
];

const json = [
  '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}',
  '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
  '[{"id": 1, "tags": ["x", "y"]}, {"id": 2, "tags": []}]',
  '{"text": "line\\nbreak \\"quoted\\" \\u00e9"}',
  '{\n  "name": "slmgen",\n  "version": "0.1.0"\n}',
  '{"tool_calls": [{"id": "call_abc", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}',
];

const cjk = [
  '人工智能是计算机科学的一个分支。',
  '今天天气很好，我们去公园散步吧！',
  '我 爱 北京 天安门',
  '東京は日本の首都です。',
  'きょうは いい てんき ですね',
  'カタカナとひらがなと漢字が混ざった文章です。',
  '안녕하세요, 만나서 반갑습니다.',
  '한국어 문장은 띄어쓰기를 사용합니다',
  '机器学习模型需要大量的训练数据才能达到良好的效果而数据的质量往往比数量更加重要',
  '中文English混合text文本123数字',
  '「引用」『二重引用』【括弧】〜波ダッシュ〜',
  '繁體中文與简体中文的差異在於字形。',
  '𠀀𠀁𠀂 (CJK Extension B)',
  'ｈａｌｆ　ｗｉｄｔｈ　ﾊﾝｶｸ　全角スペース',
];

const emoji = [
  'Great job! 🎉🎉🎉',
  'Family: 👨‍👩‍👧‍👦 and couple: 👩‍❤️‍👨',
  'Flags: 🇺🇸 🇯🇵 🇫🇷 🇩🇪 🏳️‍🌈 🏴‍☠️',
  'Skin tones: 👍🏻 👍🏼 👍🏽 👍🏾 👍🏿',
  'Keycaps: 1️⃣ 2️⃣ #️⃣ *️⃣',
  '😀😃😄😁😆😅😂🤣🥲☺️😊😇',
  'Technologist: 🧑🏽‍💻 firefighter: 👩🏿‍🚒',
  '❤️ ♥ ✔️ ✅ ☑ ⭐ 🌟',
  'mixed😀text😀without😀spaces',
];

const scripts = [
  'Crème brûlée, façade, naïve, coöperate, jalapeño, Ångström.',
  'Zürich, Kraków, São Paulo, Reykjavík, Čeština, Łódź.',
  'Привет, как дела? Всё хорошо, спасибо.',
  'Съешь же ещё этих мягких французских булок, да выпей чаю.',
  'مرحبا بالعالم، كيف حالك اليوم؟',
  'اللغة العربية تكتب من اليمين إلى اليسار',
  'שלום עולם, מה שלומך?',
  'नमस्ते दुनिया, आप कैसे हैं?',
  'สวัสดีครับ ยินดีที่ได้รู้จัก',
  'Γειά σου Κόσμε, τι κάνεις;',
  'Tiếng Việt có nhiều dấu thanh điệu.',
  'ქართული ენა და Հայերեն լեզու',
];

const numbers = [
  '0',
  '42',
  '1234567890',
  '3.14159265358979323846',
  '-273.15',
  '1,000,000.00',
  '6.022e23',
  '0xDEADBEEF 0b1010 0o777',
  '2024-01-01 00:00:00',
  '١٢٣٤٥٦٧٨٩٠',
  '一二三四五 六七八九十',
  '12345678901234567890123456789012345678901234567890',
];

const whitespace = [
  ' ',
  '   ',
  '\n',
  '\n\n\n',
  '\t\t',
  '\r\n\r\n',
  '  leading and trailing  ',
  'a          b',
  'end with newline\n',
  ' \n \n \t ',
  '\u00a0non-breaking\u00a0space',
  'ideographic\u3000space',
  'line\u2028separator',
  'zero\u200bwidth\u200bspace',
];

const specials = [
  '<|endoftext|>',
  '<|im_start|>user\nHello<|im_end|>',
  '<|im_start|>assistant\n',
  'text before <|endoftext|> text after',
  '<|fim_prefix|>def f():<|fim_suffix|>return 1<|fim_middle|>',
  '<|endofprompt|>',
  '<s>[INST] Hello [/INST]</s>',
  '<|start_header_id|>system<|end_header_id|>',
];

const base = [...prose, ...code, ...json, ...cjk, ...emoji, ...scripts, ...numbers, ...whitespace, ...specials];

/** Deterministic mulberry32, so the corpus is the same on every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The base texts plus seeded combinations of 2–4 of them joined by varied separators. */
export function buildCorpus(): string[] {
  const rnd = seeded(20240601);
  const separators = ['', ' ', '\n', '\n\n', '  ', '\t', ', ', '. ', '\r\n'];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const corpus = [...base];
  while (corpus.length < 420) {
    const n = 2 + Math.floor(rnd() * 3);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(pick(base));
    corpus.push(parts.join(pick(separators)));
  }
  // Unspaced CJK runs kept under 300 chars: js-tiktoken is quadratic in run length.
  corpus.push(cjk[8]!.repeat(6), '漢字'.repeat(140), 'ひらがな'.repeat(70));
  return corpus;
}

