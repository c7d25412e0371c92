import assert from 'node:assert/strict';
import { detectFormat } from '../../../src/core/formats/detect';

describe('formats/detectFormat', () => {
  it('detects each accepted shape by its keys', () => {
    assert.deepEqual(detectFormat({ messages: [] }), { kind: 'format', format: 'openai' });
    assert.deepEqual(detectFormat({ conversations: [] }), { kind: 'format', format: 'sharegpt' });
    assert.deepEqual(detectFormat({ instruction: 'a', input: '', output: 'b' }), { kind: 'format', format: 'alpaca' });
    assert.deepEqual(detectFormat({ prompt: 'a', completion: 'b' }), { kind: 'format', format: 'prompt_completion' });
    assert.deepEqual(detectFormat({ text: 'a' }), { kind: 'format', format: 'text' });
  });

  it('prefers messages over other keys', () => {
    assert.deepEqual(detectFormat({ text: 'a', messages: [] }), { kind: 'format', format: 'openai' });
  });

  it('reports non-objects with their JSON type', () => {
    assert.deepEqual(detectFormat([1]), { kind: 'not-an-object', found: 'array' });
    assert.deepEqual(detectFormat(null), { kind: 'not-an-object', found: 'null' });
    assert.deepEqual(detectFormat('x'), { kind: 'not-an-object', found: 'string' });
  });

  it('reports unknown shapes with the keys found (prompt without completion, instruction without output)', () => {
    assert.deepEqual(detectFormat({ prompt: 'a', id: 1 }), { kind: 'unknown-shape', keys: ['prompt', 'id'] });
    assert.deepEqual(detectFormat({ instruction: 'a', input: 'b' }), { kind: 'unknown-shape', keys: ['instruction', 'input'] });
  });
});
