import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { JOB_LINKS_KEY, JobLinks } from '../../../../src/extension/jobs/jobLinks';

/** A Memento kept in a Map (what globalState stores, minus persistence). */
class MapMemento implements vscode.Memento {
  readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : defaultValue;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
}

describe('extension jobs: links from a job to the user\'s files (globalState)', () => {
  it('remembers, merges and forgets links per job, and stores URIs only', async () => {
    const memento = new MapMemento();
    const links = new JobLinks(memento);
    assert.equal(links.get('a'), undefined);
    await links.set('a', { dataset: 'file:///w/data.jsonl', target: 'trl' });
    await links.set('a', { notebook: 'file:///w/data.ipynb' });
    await links.set('b', { dataset: 'untitled:Untitled-1' });
    assert.deepEqual(links.get('a'), { dataset: 'file:///w/data.jsonl', notebook: 'file:///w/data.ipynb', target: 'trl' });
    await links.delete('a');
    assert.equal(links.get('a'), undefined);
    assert.deepEqual(memento.values.get(JOB_LINKS_KEY), { b: { dataset: 'untitled:Untitled-1' } });
  });

  it('refuses a bad target and reads a damaged stored value as no links', async () => {
    const memento = new MapMemento();
    const links = new JobLinks(memento);
    await assert.rejects(links.set('a', { target: 'tpu' as 'trl' }), /target/);
    memento.values.set(JOB_LINKS_KEY, { a: { dataset: 42 } });
    assert.equal(links.get('a'), undefined);
    await links.set('b', { dataset: 'file:///x.jsonl' });
    assert.deepEqual(memento.values.get(JOB_LINKS_KEY), { b: { dataset: 'file:///x.jsonl' } });
  });
});
