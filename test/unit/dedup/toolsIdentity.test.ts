import assert from 'node:assert/strict';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import { hashCanonicalExample, hashPromptAndReply } from '../../../src/core/dedup/hash';
import { findNearDuplicateClustersInExamples } from '../../../src/core/dedup/nearDuplicates';
import { shingleHashes } from '../../../src/core/dedup/shingles';
import type { ChatExample } from '../../../src/core/formats/chat';
import { createEstimateEncoder } from '../../../src/core/tokens/estimate';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';

const WEATHER = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const TIME = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } };

const REPLY =
  'I will look that up for you right away and report back with the current conditions in the city you named, including the temperature, the wind, the chance of rain over the next hours and whether you should bring an umbrella or a coat when you go out this afternoon or later in the evening.';
function example(tools?: unknown[], reply = REPLY): ChatExample {
  const e: ChatExample = { messages: [{ role: 'user', content: 'What is it like in Paris today, please tell me in detail?' }, { role: 'assistant', content: reply }] };
  if (tools) e.tools = tools;
  return e;
}

function analyze(lines: unknown[]) {
  const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  return analyzeDatasetBytes(new TextEncoder().encode(text), {
    counter: new TokenCounter(createEstimateEncoder('o200k_base')),
    countMode: 'raw',
    maxSeqLength: 4096,
    encoding: 'o200k_base',
    tokensExact: false,
  });
}

describe('dedup: declared tools are part of an example\'s identity', () => {
  it('exact and prompt hashes differ when only the tools differ, and ignore key order inside the tools', () => {
    assert.notEqual(hashCanonicalExample(example([WEATHER])), hashCanonicalExample(example([TIME])));
    assert.notEqual(hashCanonicalExample(example([WEATHER])), hashCanonicalExample(example()));
    const reordered = { function: { parameters: WEATHER.function.parameters, name: 'get_weather' }, type: 'function' };
    assert.equal(hashCanonicalExample(example([WEATHER])), hashCanonicalExample(example([reordered])));
    assert.notEqual(hashPromptAndReply(example([WEATHER]))?.promptHash, hashPromptAndReply(example([TIME]))?.promptHash);
    // Without tools the identity is what it was: an empty list is no tools.
    assert.equal(hashCanonicalExample(example([])), hashCanonicalExample(example()));
    assert.deepEqual(shingleHashes(example([]), 5), shingleHashes(example(), 5));
  });

  it('near duplicates need the same tools', () => {
    const near = REPLY.replace('evening', 'night');
    const sameTools = findNearDuplicateClustersInExamples([example([WEATHER]), example([WEATHER], near)]);
    assert.deepEqual(sameTools.map((c) => c.members), [[0, 1]]);
    assert.deepEqual(findNearDuplicateClustersInExamples([example([WEATHER]), example([TIME], near)]), []);
    assert.deepEqual(findNearDuplicateClustersInExamples([example(), example([WEATHER], near)]), []);
  });

  it('through the analysis: pairs that differ only in tools are neither duplicates nor contradictions', () => {
    const record = (tools: unknown, reply = REPLY) => ({ messages: [{ role: 'user', content: 'What is it like in Paris today, please tell me in detail?' }, { role: 'assistant', content: reply }], tools });
    const { report } = analyze([
      record([WEATHER]),
      record(JSON.stringify([WEATHER.function])), // a ShareGPT-style JSON string of bare definitions: the same tools
      record([TIME]),
      record([TIME], 'Something entirely different: the clock says it is noon where you are, nothing about weather.'),
      record([WEATHER], REPLY.replace('evening', 'night')),
    ]);
    assert.equal(report.total_examples, 5);
    assert.deepEqual(report.duplicates.exact.groups.map((g) => g.examples), [[0, 1]]);
    assert.deepEqual(report.duplicates.near.groups.map((g) => g.examples), [[0, 4]]);
    assert.deepEqual(report.contradictions.groups.map((g) => g.examples), [[2, 3]]);
  });
});
