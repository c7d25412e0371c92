/** The dataset the real-template masking test trains on. */
import type { ChatExample } from '../../../src/core/formats/chat';

const u = (content: string) => ({ role: 'user' as const, content });
/** An assistant reply; `weight` 0 (OpenAI) makes it context only, 1 is the same as no weight. */
const a = (content: string, weight?: 0 | 1) => ({ role: 'assistant' as const, content, ...(weight !== undefined ? { weight } : {}) });
const s = (content: string) => ({ role: 'system' as const, content });

/**
 * Multi-turn, multilingual, code blocks, JSON replies, and messages with leading/trailing whitespace. Some replies have
 * weight 0 (context only): a middle turn, first turns (one with surrounding whitespace), and the only reply of the
 * last example, which then has nothing to train.
 */
export const DATASET: ChatExample[] = [
  { messages: [s('You answer in JSON.'), u('Extract: "Ana, 34", Lisboa'), a('{"name": "Ana", "age": 34, "city": "Lisboa"}')] },
  {
    messages: [
      u('Écris une fonction Python qui inverse une chaîne.'),
      a('Voici :\n\n```python\ndef inverse(s: str) -> str:\n    return s[::-1]\n```'),
      u('Et en JavaScript ?'),
      a('```js\nconst inverse = (s) => [...s].reverse().join("");\n```\nÇa gère aussi les émojis 👍.', 0),
      u('Merci !'),
      a('Avec plaisir.', 1),
    ],
  },
  { messages: [u('\n用中文解释递归。'), a('\n递归是函数调用自身。\n\n```py\ndef f(n):\n    return 1 if n == 0 else n * f(n - 1)\n```\n')] },
  { messages: [s('  Be brief.  \n'), u('  What is 2 + 2?  '), a('  4  ', 0), u('\n\nAnd 3 + 3?\n'), a('\n\n6\n\n')] },
  { messages: [u('Give me JSON for a point.'), a('  \n    {"x": 1, "y": 2}\n')] },
  { messages: [u('مرحبا، كيف حالك؟'), a('أنا بخير، شكراً!'), u('Und auf Deutsch?'), a('Mir geht es gut, danke! 😊')] },
  { messages: [s('Du bist ein hilfreicher Assistent.'), u('日本の首都は？'), a('東京です。\t ')] },
  { messages: [u('List three colours as a JSON array.'), a('["red", "green", "blue"]', 0), u('Now as YAML.'), a('- red\n- green\n- blue')] },
  { messages: [s('Context only.'), u('Remember: the code is 42.'), a('Noted: 42.', 0)] },
];
