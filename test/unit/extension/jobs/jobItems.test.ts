import assert from 'node:assert/strict';
import type { Job } from '../../../../src/shared/api';
import { jobView, modelScoreText, relativeTime } from '../../../../src/extension/jobs/jobItems';

const NOW = new Date('2026-12-03T12:00:00.000Z');

function job(extra: Partial<Job> = {}): Job {
  return {
    id: '0b6b7c1e-2f0a-4b8e-9d3c-1a2b3c4d5e6f',
    user_id: 'local',
    session_id: '5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
    dataset_filename: 'support_chats.jsonl',
    dataset_path: '/data/sessions/5f0c/dataset.jsonl',
    total_examples: 1234,
    total_tokens: 456_789,
    quality_score: 0.873,
    task_type: 'conversation',
    deployment_target: 'desktop',
    selected_model_id: 'qwen2.5-3b',
    selected_model_name: 'Qwen2.5 3B Instruct',
    model_score: 0.87,
    training_config: { num_epochs: 3 },
    notebook_filename: 'finetune.ipynb',
    notebook_path: '/data/sessions/5f0c/finetune.ipynb',
    colab_url: null,
    status: 'completed',
    created_at: '2026-12-03T09:00:00.000Z',
    updated_at: '2026-12-03T09:00:00.000Z',
    ...extra,
  };
}

describe('extension jobs: tree item of a job', () => {
  it('labels a job with its dataset and describes model, score and age', () => {
    const view = jobView(job(), NOW);
    assert.equal(view.id, job().id);
    assert.equal(view.label, 'support_chats.jsonl');
    assert.equal(view.description, 'Qwen2.5 3B Instruct · score 87/100 · 3 hours ago');
    assert.deepEqual(view.icon, { id: 'pass', color: 'testing.iconPassed' });
    assert.equal(view.contextValue, 'job:notebook');
  });

  it('shows the status when the job is not completed, with one icon per status', () => {
    assert.equal(jobView(job({ status: 'failed' }), NOW).description, 'Qwen2.5 3B Instruct · score 87/100 · failed · 3 hours ago');
    assert.deepEqual(jobView(job({ status: 'failed' }), NOW).icon, { id: 'error', color: 'testing.iconFailed' });
    assert.deepEqual(jobView(job({ status: 'processing' }), NOW).icon, { id: 'sync~spin' });
    assert.deepEqual(jobView(job({ status: 'created' }), NOW).icon, { id: 'circle-outline' });
    const fresh = jobView(job({ status: 'created', selected_model_id: null, selected_model_name: null, model_score: null, notebook_path: null, notebook_filename: null }), NOW);
    assert.equal(fresh.description, 'no model yet · created · 3 hours ago');
    assert.equal(fresh.contextValue, 'job');
    assert.equal(jobView(job({ colab_url: 'https://colab.research.google.com/gist/a/b' }), NOW).contextValue, 'job:notebook:colab');
  });

  it('puts examples, tokens, quality, the exact creation time and the model id in the tooltip, escaping Markdown', () => {
    const { tooltip } = jobView(job({ dataset_filename: 'a_[b]*.jsonl' }), NOW);
    assert.match(tooltip, /^\*\*a\\_\\\[b\\\]\\\*\\\.jsonl\*\*\n/);
    assert.match(tooltip, /\| Examples \| 1,234 \|/);
    assert.match(tooltip, /\| Tokens \| 456,789 \\\(457k\\\) \|/);
    assert.match(tooltip, /\| Quality score \| 0\\\.87 of 1 \|/);
    assert.match(tooltip, /\| Created \| 2026\\-12\\-03 09:00:00 UTC \\\(3 hours ago\\\) \|/);
    assert.match(tooltip, /\| Model \| Qwen2\\\.5 3B Instruct \\\(qwen2\\\.5\\-3b\\\) \|/);
    assert.match(tooltip, /\| Colab link \| none \|/);
  });

  it('writes ages in the largest whole unit and model scores on the 0–100 scale', () => {
    const ago = (seconds: number) => relativeTime(new Date(NOW.getTime() - seconds * 1000), NOW);
    assert.equal(ago(0), 'now');
    assert.equal(ago(59), 'now');
    assert.equal(ago(60), '1 minute ago');
    assert.equal(ago(45 * 60), '45 minutes ago');
    assert.equal(ago(24 * 3600), 'yesterday');
    assert.equal(ago(3 * 24 * 3600), '3 days ago');
    assert.equal(ago(8 * 24 * 3600), 'last week');
    assert.equal(ago(400 * 24 * 3600), 'last year');
    assert.equal(relativeTime(new Date(NOW.getTime() + 2 * 3600_000), NOW), 'in 2 hours');
    assert.equal(modelScoreText(0.87), 'score 87/100');
    assert.equal(modelScoreText(0.8765), 'score 87.7/100');
    assert.equal(modelScoreText(1), 'score 100/100');
    assert.equal(modelScoreText(null), undefined);
  });

  it('keeps an unparsable creation time as the server sent it', () => {
    assert.equal(jobView(job({ created_at: 'yesterday-ish' }), NOW).description, 'Qwen2.5 3B Instruct · score 87/100 · yesterday-ish');
  });
});
