// Writes the sample workspace `npm start` opens: five small fine-tuning datasets, deterministic (seeded), with
// hundreds of records each so that the counts, token figures and duplicate clusters look like a real dataset's.
//
//   clean.jsonl       OpenAI chat format, no finding at all
//   broken.jsonl      mostly good records plus one of nearly every error and warning the checks know
//   duplicated.jsonl  exact duplicates (byte-identical, re-serialized, whitespace-only changes), near duplicates
//                     (a word or two edited) and contradictions (same prompt, another reply)
//   sharegpt.jsonl    ShareGPT conversations ({"conversations":[{"from":"human","value":…}]}), some multi-turn
//   train.json        an Alpaca dataset as one JSON array (matched by slmgen.files.jsonArrayGlob)
//
//   node scripts/make-sample-workspace.mjs [--out DIR] [--seed N]     (default DIR: .slmgen-sample/)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' }, seed: { type: 'string' } } });
const outDir = resolve(values.out ?? join(root, '.slmgen-sample'));
const seed = Number(values.seed ?? 7);

// ---- seeded randomness (mulberry32) ----
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(random() * xs.length)];
function sample(xs, n) {
  const copy = [...xs];
  const out = [];
  while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(random() * copy.length), 1)[0]);
  return out;
}

// ---- content ----
const COUNTRIES = [
  ['France', 'Paris', 'French', 'Europe'], ['Japan', 'Tokyo', 'Japanese', 'Asia'], ['Kenya', 'Nairobi', 'Swahili and English', 'Africa'],
  ['Brazil', 'Brasília', 'Portuguese', 'South America'], ['Canada', 'Ottawa', 'English and French', 'North America'],
  ['Egypt', 'Cairo', 'Arabic', 'Africa'], ['Norway', 'Oslo', 'Norwegian', 'Europe'], ['Peru', 'Lima', 'Spanish and Quechua', 'South America'],
  ['Vietnam', 'Hanoi', 'Vietnamese', 'Asia'], ['Australia', 'Canberra', 'English', 'Oceania'], ['Poland', 'Warsaw', 'Polish', 'Europe'],
  ['Morocco', 'Rabat', 'Arabic and Berber', 'Africa'], ['Chile', 'Santiago', 'Spanish', 'South America'], ['India', 'New Delhi', 'Hindi and English', 'Asia'],
  ['Ireland', 'Dublin', 'Irish and English', 'Europe'], ['Ghana', 'Accra', 'English', 'Africa'], ['Mexico', 'Mexico City', 'Spanish', 'North America'],
  ['Finland', 'Helsinki', 'Finnish and Swedish', 'Europe'], ['Indonesia', 'Jakarta', 'Indonesian', 'Asia'], ['New Zealand', 'Wellington', 'English and Māori', 'Oceania'],
];
const NAMES = ['Amara', 'Bruno', 'Chen Wei', 'Dana', 'Elif', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Mateo', 'Nadia', 'Omar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Yara', 'Zoe'];
const CITIES = ['Lisbon', 'Toronto', 'Osaka', 'Lagos', 'Kraków', 'Denver', 'Seville', 'Bergen', 'Pune', 'Leeds', 'Valparaíso', 'Busan', 'Tartu', 'Perth', 'Ghent'];
const PRODUCTS = ['kettle', 'desk lamp', 'rain jacket', 'espresso machine', 'hiking backpack', 'wireless mouse', 'standing desk', 'air purifier', 'e-reader', 'blender', 'office chair', 'router'];
const GOOD = ['sturdy', 'quiet', 'easy to set up', 'well made', 'comfortable', 'fast', 'reliable', 'good value', 'lightweight', 'beautifully designed'];
const BAD = ['flimsy', 'noisy', 'hard to assemble', 'overpriced', 'uncomfortable', 'slow', 'unreliable', 'heavy', 'poorly documented', 'fragile'];
const UNITS = [
  ['kilometres', 'miles', 0.621371], ['miles', 'kilometres', 1.609344], ['kilograms', 'pounds', 2.204623], ['pounds', 'kilograms', 0.453592],
  ['litres', 'US gallons', 0.264172], ['metres', 'feet', 3.280840], ['inches', 'centimetres', 2.54],
];
const FUNCTIONS = [
  ['sum', 'returns the sum of a list of numbers', 'def total(values):\n    result = 0\n    for value in values:\n        result += value\n    return result'],
  ['mean', 'returns the arithmetic mean of a list of numbers', 'def mean(values):\n    if not values:\n        raise ValueError("mean of an empty list")\n    return sum(values) / len(values)'],
  ['reverse', 'reverses a string', 'def reverse(text):\n    return text[::-1]'],
  ['palindrome', 'checks whether a string is a palindrome, ignoring case and spaces', 'def is_palindrome(text):\n    cleaned = "".join(text.lower().split())\n    return cleaned == cleaned[::-1]'],
  ['factorial', 'computes the factorial of a non-negative integer', 'def factorial(n):\n    if n < 0:\n        raise ValueError("n must be non-negative")\n    result = 1\n    for k in range(2, n + 1):\n        result *= k\n    return result'],
  ['fizzbuzz', 'prints FizzBuzz from 1 to n', 'def fizzbuzz(n):\n    for i in range(1, n + 1):\n        out = ("Fizz" if i % 3 == 0 else "") + ("Buzz" if i % 5 == 0 else "")\n        print(out or i)'],
  ['vowels', 'counts the vowels in a string', 'def count_vowels(text):\n    return sum(1 for ch in text.lower() if ch in "aeiou")'],
  ['dedupe', 'removes duplicates from a list while keeping the order', 'def dedupe(items):\n    seen = set()\n    out = []\n    for item in items:\n        if item not in seen:\n            seen.add(item)\n            out.append(item)\n    return out'],
  ['flatten', 'flattens a list of lists by one level', 'def flatten(rows):\n    return [item for row in rows for item in row]'],
  ['word count', 'counts how often each word occurs in a text', 'from collections import Counter\n\ndef word_counts(text):\n    return Counter(text.lower().split())'],
  ['fibonacci', 'returns the first n Fibonacci numbers', 'def fibonacci(n):\n    a, b = 0, 1\n    out = []\n    for _ in range(n):\n        out.append(a)\n        a, b = b, a + b\n    return out'],
  ['clamp', 'clamps a number into a range', 'def clamp(x, low, high):\n    return max(low, min(high, x))'],
];
const LANGUAGES = ['Python', 'JavaScript', 'TypeScript', 'Go', 'Rust'];
const SENTENCES = [
  'The city council approved a new cycling network after two years of public consultation.',
  'Residents asked for safer crossings near the three primary schools on the east side.',
  'The first phase adds twelve kilometres of protected lanes along the river.',
  'Shop owners worried about losing parking but a pilot street showed footfall rose by a fifth.',
  'Construction starts in spring and the council expects the first lanes to open by autumn.',
  'A small team of volunteers mapped every pothole in the old town over one weekend.',
  'The library will stay open until ten in the evening during the exam season.',
  'Researchers measured air quality at forty points across the district for a full year.',
  'Nitrogen dioxide levels fell most sharply on streets that were closed to through traffic.',
  'The report recommends planting trees along the ring road to shade the pavements.',
  'Local bakeries have started a scheme to give unsold bread to the food bank each night.',
  'The harbour authority plans to replace the diesel ferries with electric ones within five years.',
  'Ticket prices for the ferry will not change while the new boats are introduced.',
  'The museum reopened with a hall dedicated to the history of the textile mills.',
  'Visitor numbers doubled in the first month, helped by free entry on Sundays.',
  'A survey found that most commuters would switch to the train if it ran every fifteen minutes.',
  'The regional rail operator has ordered six new trains to make that timetable possible.',
  'Farmers in the valley are testing drip irrigation to cope with drier summers.',
  'Early results suggest the new system uses about a third less water per hectare.',
  'The school introduced a four-day week for older pupils with one day of project work.',
  'Teachers reported better attendance, though parents were divided about the change.',
  'A storm in late October brought down power lines in several villages for two days.',
  'The utility company has promised to bury the most exposed cables underground.',
  'The town hall switched its heating to a heat pump that draws warmth from the lake.',
  'Energy bills for the building dropped by almost half in the first winter.',
];
const SYSTEMS = [
  'You are a helpful assistant. Answer accurately and concisely.',
  'You are a patient tutor. Explain your reasoning step by step in plain language.',
  'You are a careful data assistant. Follow the requested output format exactly.',
];

const usedPrompts = new Set();

/** One example as [system, user, assistant]; prompts are unique within a run, so clean data has no contradictions. */
function example() {
  for (;;) {
    const kind = int(0, 6);
    let user;
    let assistant;
    let system = SYSTEMS[0];
    if (kind === 0) {
      const [country, capital, language, continent] = pick(COUNTRIES);
      const q = int(0, 2);
      user = [`What is the capital of ${country}?`, `Which languages are mainly spoken in ${country}?`, `On which continent is ${country}, and what is its capital?`][q];
      assistant = [
        `The capital of ${country} is ${capital}.`,
        `In ${country} the main languages are ${language}.`,
        `${country} is in ${continent}; its capital is ${capital}.`,
      ][q];
    } else if (kind === 1) {
      const [from, to, factor] = pick(UNITS);
      const amount = int(2, 400);
      user = `Convert ${amount} ${from} to ${to}.`;
      assistant = `${amount} ${from} is about ${(amount * factor).toFixed(2)} ${to} (1 ${from.replace(/s$/, '').replace(/ie$/, 'y')} ≈ ${factor} ${to}).`;
      system = SYSTEMS[1];
    } else if (kind === 2) {
      const product = pick(PRODUCTS);
      const positive = random() < 0.55;
      const words = sample(positive ? GOOD : BAD, 2);
      const name = pick(NAMES);
      const days = int(2, 90);
      const review = `${name} wrote after ${days} days: "The ${product} is ${words[0]} and ${words[1]}. ${positive ? 'I would buy it again.' : 'I am sending it back.'}"`;
      user = `Classify the sentiment of this review as positive or negative and give a one-sentence reason.\n\n${review}`;
      assistant = `${positive ? 'Positive' : 'Negative'}: the reviewer calls the ${product} ${words[0]} and ${words[1]} and ${positive ? 'would buy it again' : 'is returning it'}.`;
      system = SYSTEMS[2];
    } else if (kind === 3) {
      const [topic, what, code] = pick(FUNCTIONS);
      const language = 'Python';
      user = `Write a ${language} function that ${what}. Keep it short and explain it in one sentence.`;
      assistant = `Here is a ${topic} function:\n\n\`\`\`python\n${code}\n\`\`\`\n\nIt ${what} without any third-party library.`;
      void LANGUAGES;
    } else if (kind === 4) {
      const parts = sample(SENTENCES, int(3, 5));
      user = `Summarize this news item in one sentence:\n\n${parts.join(' ')}`;
      assistant = `In short: ${parts[0].charAt(0).toLowerCase()}${parts[0].slice(1, -1)}, and ${parts[1].charAt(0).toLowerCase()}${parts[1].slice(1)}`;
    } else if (kind === 5) {
      const name = pick(NAMES);
      const age = int(19, 78);
      const city = pick(CITIES);
      const job = pick(['nurse', 'carpenter', 'data analyst', 'teacher', 'chef', 'pilot', 'librarian', 'architect']);
      user = `Extract name, age, city and job as JSON from: "${name} (${age}) works as a ${job} in ${city}."`;
      assistant = JSON.stringify({ name, age, city, job });
      system = SYSTEMS[2];
    } else {
      const a = int(12, 999);
      const b = int(2, 99);
      const op = pick(['×', '+', '−']);
      const result = op === '×' ? a * b : op === '+' ? a + b : a - b;
      user = `What is ${a} ${op} ${b}? Show the result only.`;
      assistant = `${a} ${op} ${b} = ${result}`;
      system = SYSTEMS[1];
    }
    const key = `${system}\u0000${user}`;
    if (usedPrompts.has(key)) continue;
    usedPrompts.add(key);
    return [system, user, assistant];
  }
}

const openai = ([system, user, assistant]) => ({ messages: [{ role: 'system', content: system }, { role: 'user', content: user }, { role: 'assistant', content: assistant }] });
const line = (record) => JSON.stringify(record);

// ---- clean.jsonl ----
function cleanLines(n) {
  return Array.from({ length: n }, () => line(openai(example())));
}

// ---- broken.jsonl ----
function brokenLines() {
  const out = cleanLines(230);
  // A fake API key, assembled so that this script itself does not look like it holds one.
  const fakeKey = ['sk', 'proj', 'Xq3v9TbLk2Rw8Yp4Zs7Nd1Hf6Jc5Mg0Ae2Ui'].join('-');
  const [s, u, a] = example();
  const problems = [
    // invalid-json: a truncated record and single quotes
    line(openai(example())).slice(0, -7),
    `{'messages': [{'role': 'user', 'content': 'Hi'}, {'role': 'assistant', 'content': 'Hello! How can I help?'}]}`,
    // not-an-object
    JSON.stringify([{ role: 'user', content: 'A record that is an array' }, { role: 'assistant', content: 'Records must be objects.' }]),
    // role-alias (fixable)
    line({ messages: [{ role: 'system', content: s }, { role: 'User', content: u }, { role: 'assistant', content: a }] }),
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'human', content: 'Name three primary colours.' }, { role: 'gpt', content: 'Red, yellow and blue are the traditional primary colours.' }] }),
    // missing-assistant, empty-assistant, whitespace-only-content
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: 'Is anybody there to answer this question?' }] }),
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: 'What is the boiling point of water at sea level?' }, { role: 'assistant', content: '   ' }] }),
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: '\t  ' }, { role: 'assistant', content: 'There was no question, so here is no answer.' }] }),
    // consecutive-same-role, system-not-first, last-not-assistant
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: 'Tell me a fun fact about octopuses.' }, { role: 'user', content: 'Keep it short, please.' }, { role: 'assistant', content: 'Octopuses have three hearts and blue blood.' }] }),
    line({ messages: [{ role: 'user', content: 'How many days does a leap year have?' }, { role: 'system', content: SYSTEMS[0] }, { role: 'assistant', content: 'A leap year has 366 days.' }] }),
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: 'Translate "good morning" into Spanish.' }, { role: 'assistant', content: '"Buenos días."' }, { role: 'user', content: 'And into Italian?' }] }),
    // unrecognized-role, message-missing-key, message-unrecognized-key, invalid-weight
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'customer', content: 'Where is my parcel?' }, { role: 'assistant', content: 'Please share your order number and I will check.' }] }),
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { content: 'Which planet is known as the red planet?' }, { role: 'assistant', content: 'Mars is known as the red planet.' }] }),
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: 'What is the chemical symbol for gold?', lang: 'en' }, { role: 'assistant', content: 'The chemical symbol for gold is Au.' }] }),
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: 'Name the largest ocean on Earth.' }, { role: 'assistant', content: 'The Pacific Ocean is the largest.', weight: 2 }] }),
    // missing-messages-list, unknown-shape
    line({ messages: [] }),
    line({ question: 'What does HTTP stand for?', reply: 'HyperText Transfer Protocol.' }),
    // untrimmed-reply, short-reply (infos)
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: 'What colour do you get by mixing blue and yellow?' }, { role: 'assistant', content: '  Mixing blue and yellow gives green.\n' }] }),
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: 'Is the Earth round? Answer yes or no.' }, { role: 'assistant', content: 'Yes.' }] }),
    // personal data and a secret
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: 'Draft a reply to jane.doe@example.com confirming her booking.' }, { role: 'assistant', content: 'Dear Jane, your booking is confirmed. Reply to jane.doe@example.com if anything changes.' }] }),
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: 'Format this phone number nicely: +1 415 555 0134' }, { role: 'assistant', content: 'Formatted: +1 (415) 555-0134' }] }),
    line({ messages: [{ role: 'system', content: SYSTEMS[0] }, { role: 'user', content: `Why does my script fail with key ${fakeKey}?` }, { role: 'assistant', content: 'Never paste API keys into prompts; rotate that key and load it from an environment variable.' }] }),
    // an exact duplicate of the first record
    out[0],
  ];
  // A pretty-printed record (multiline-record) and a blank line, placed by hand.
  const pretty = JSON.stringify(openai(example()), null, 2).split('\n');
  for (const [i, problem] of problems.entries()) out.splice(8 + i * 10, 0, problem);
  out.splice(120, 0, ...pretty);
  out.splice(60, 0, '');
  return out;
}

// ---- duplicated.jsonl ----
/** A longer example (a summary over 5–7 sentences), so that a one-word edit keeps it a near duplicate. */
function longExample() {
  const parts = sample(SENTENCES, int(5, 7));
  const user = `Summarize this local news digest in two sentences for a newsletter:\n\n${parts.join(' ')}`;
  usedPrompts.add(`${SYSTEMS[0]}\u0000${user}`);
  const assistant = `${parts[0]} ${parts[parts.length - 1]} The digest also covers ${parts.length - 2} other local stories.`;
  return [SYSTEMS[0], user, assistant];
}

function editWords(text, edits) {
  const words = text.split(' ');
  for (let k = 0; k < edits; k++) {
    const i = int(5, words.length - 2);
    words[i] = pick(['quickly', 'also', 'recently', 'finally', 'mostly', 'still']);
  }
  return words.join(' ');
}

function duplicatedLines() {
  const unique = [];
  for (let i = 0; i < 300; i++) unique.push(i % 3 === 0 ? longExample() : example());
  const out = unique.map((e) => line(openai(e)));
  const extra = [];
  // 45 exact duplicates: byte-identical, re-serialized with spaces and key order, whitespace-only changes.
  for (let k = 0; k < 45; k++) {
    const [s, u, a] = pick(unique);
    const variant = k % 3;
    if (variant === 0) extra.push(line(openai([s, u, a])));
    else if (variant === 1) extra.push(`{"messages": [{"content": ${JSON.stringify(s)}, "role": "system"}, {"content": ${JSON.stringify(u)}, "role": "user"}, {"content": ${JSON.stringify(a)}, "role": "assistant"}]}`);
    else extra.push(line(openai([s, `${u.replace(/ /g, '  ')} `, a.replace(/ /, ' \n ')])));
  }
  // 30 near duplicates of the long examples: one or two words of the reply and the prompt changed.
  const longOnes = unique.filter((_, i) => i % 3 === 0);
  for (const [s, u, a] of sample(longOnes, 30)) extra.push(line(openai([s, editWords(u, 1), editWords(a, int(1, 2))])));
  // 12 contradictions: the same prompt with a materially different reply.
  for (const [s, u] of sample(unique.filter((_, i) => i % 3 !== 0), 12)) {
    extra.push(line(openai([s, u, pick(['I am not able to answer that question.', 'That depends entirely on the context you are working in.', 'Please ask a specialist; I would rather not guess here.'])])));
  }
  // Spread the extra records through the file, after their originals.
  for (const record of extra) out.splice(int(Math.floor(out.length / 2), out.length), 0, record);
  return out;
}

// ---- sharegpt.jsonl ----
function shareGptLines(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const turns = random() < 0.7 ? 1 : int(2, 3);
    const conversations = [];
    for (let t = 0; t < turns; t++) {
      const [, user, assistant] = example();
      conversations.push({ from: 'human', value: user }, { from: 'gpt', value: assistant });
    }
    out.push(line({ id: `conv-${String(i + 1).padStart(4, '0')}`, conversations }));
  }
  return out;
}

// ---- train.json (Alpaca array) ----
function alpacaArray(n) {
  const records = [];
  for (let i = 0; i < n; i++) {
    const [, user, assistant] = example();
    const split = user.indexOf('\n\n');
    records.push(split < 0 ? { instruction: user, input: '', output: assistant } : { instruction: user.slice(0, split), input: user.slice(split + 2), output: assistant });
  }
  return `${JSON.stringify(records, null, 2)}\n`;
}

const README = `# SLMGEN sample workspace

Made by \`scripts/make-sample-workspace.mjs\` (seed ${seed}); \`npm start -- --reset-sample\` writes it again.
Open a file: SLMGEN checks it at once (Problems panel, hover a record, the code lens on line 1, the status bar).

| file | what is in it |
|---|---|
| clean.jsonl | OpenAI chat format, no problem at all |
| broken.jsonl | good records plus one of almost every error and warning (invalid JSON, role aliases, missing replies, PII, a leaked key, a pretty-printed record, …): try the quick fixes and "SLMGEN: Fix All Safe Problems" |
| duplicated.jsonl | exact duplicates, near duplicates and contradictions: try "SLMGEN: Remove Duplicates" |
| sharegpt.jsonl | ShareGPT conversations (human/gpt), some multi-turn |
| train.json | an Alpaca dataset as one JSON array (analysed because its name matches \`slmgen.files.jsonArrayGlob\`) |

Then try **SLMGEN: Analyze Dataset**, **SLMGEN: Recommend Model** and **SLMGEN: Generate Notebook**.
`;

mkdirSync(outDir, { recursive: true });
const files = {
  'clean.jsonl': `${cleanLines(320).join('\n')}\n`,
  'broken.jsonl': `${brokenLines().join('\n')}\n`,
  'duplicated.jsonl': `${duplicatedLines().join('\n')}\n`,
  'sharegpt.jsonl': `${shareGptLines(300).join('\n')}\n`,
  'train.json': alpacaArray(300),
  'README.md': README,
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(outDir, name), text);
console.log(`make-sample-workspace: ${Object.keys(files).length} files in ${outDir}`);
