// Recording an editor generation as a job, and regenerating it, against the real REST server on 127.0.0.1.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Job } from '../../../../src/shared/api';
import { JobsApi } from '../../../../src/extension/jobs/jobsApi';
import type { GenerationAnswers } from '../../../../src/extension/jobs/jobRecording';
import { recordOnServer, sameSettings } from '../../../../src/extension/jobs/jobRecording';
import type { TestServer } from '../../../server/testServer';
import { signHs256, startTestServer, VALID_JSONL } from '../../../server/testServer';

const ANSWERS: GenerationAnswers = { model: 'qwen2.5-3b', target: 'trl', task: 'qa', deployment: 'desktop', preset: 'fast' };

describe('extension jobs: recording a generation on the real REST server (127.0.0.1)', () => {
  let server: TestServer;
  let api: JobsApi;
  let uploads = 0;
  const upload = async (): Promise<string> => {
    uploads += 1;
    return (await api.upload(VALID_JSONL, 'support.jsonl')).session_id;
  };

  before(async () => {
    server = await startTestServer();
    const token = await signHs256({}, { subject: `recorder-${Date.now()}` });
    api = new JobsApi({ baseUrl: server.url, token: async () => token });
  });
  after(async () => {
    await server.close();
  });

  let first: Job;

  it('a new generation uploads the dataset once and creates a completed job with the answers', async () => {
    const { job, replaced } = await recordOnServer(api, ANSWERS, upload);
    first = job;
    assert.equal(uploads, 1);
    assert.equal(replaced, undefined);
    assert.equal(job.status, 'completed');
    assert.equal(job.dataset_filename, 'support.jsonl');
    assert.equal(job.task_type, 'qa');
    assert.equal(job.deployment_target, 'desktop');
    assert.equal(job.selected_model_id, 'qwen2.5-3b');
    assert.equal(typeof job.model_score, 'number', 'the model was ranked for the task and deployment');
    assert.ok(job.notebook_path !== null && existsSync(job.notebook_path));
    assert.deepEqual((await api.list()).map((j) => j.id), [job.id]);
  });

  it('regenerating with the job id reuses its session and updates the same job (no upload)', async () => {
    const config = { ...first.training_config, num_epochs: 5 };
    const { job, replaced } = await recordOnServer(api, { ...ANSWERS, task: 'conversation', config }, upload, first.id);
    assert.equal(uploads, 1, 'no second upload');
    assert.equal(replaced, undefined);
    assert.equal(job.id, first.id);
    assert.equal(job.session_id, first.session_id);
    assert.equal(job.task_type, 'conversation');
    assert.equal(job.training_config.num_epochs, 5);
    assert.ok(job.updated_at >= first.updated_at);
    assert.equal((await api.list()).length, 1);
  });

  it('a job whose session expired is replaced: the dataset goes up again and the old job is deleted', async () => {
    await server.sessions.delete(first.session_id);
    const { job, replaced } = await recordOnServer(api, ANSWERS, upload, first.id);
    assert.equal(uploads, 2);
    assert.equal(replaced, first.id);
    assert.notEqual(job.id, first.id);
    assert.notEqual(job.session_id, first.session_id);
    assert.deepEqual((await api.list()).map((j) => j.id), [job.id], 'only the new job is left');
  });

  it('a failure of the server reaches the caller with the server\'s reason (the editor logs it and warns once)', async () => {
    await assert.rejects(recordOnServer(api, { ...ANSWERS, model: 'no-such-model' }, upload), /could not generate the notebook \(400 Bad Request\): Unknown model_id "no-such-model"/);
  });
});

describe('extension jobs: the same settings of a job (Regenerate)', () => {
  const job: Job = {
    id: 'j',
    user_id: 'u',
    session_id: 's',
    dataset_filename: 'd.jsonl',
    dataset_path: '/srv/s/dataset.jsonl',
    total_examples: 1,
    total_tokens: 1,
    quality_score: 1,
    task_type: 'qa',
    deployment_target: 'edge',
    selected_model_id: 'smollm2-360m',
    selected_model_name: 'SmolLM2 360M',
    model_score: 0.5,
    training_config: { num_epochs: 2 },
    notebook_filename: 'n.ipynb',
    notebook_path: '/srv/s/n.ipynb',
    colab_url: null,
    status: 'completed',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
  const fsPath = (uri: string) => uri.replace(/^file:\/\//, '');

  it('answers with the job\'s model, task, deployment and config, the remembered target and notebook', () => {
    assert.deepEqual(sameSettings(job, { dataset: 'file:///w/d.jsonl', notebook: 'file:///w/d.ipynb', target: 'colab' }, 'yours', 'trl', fsPath), {
      task: 'qa',
      deployment: 'edge',
      model: 'smollm2-360m',
      config: { num_epochs: 2 },
      target: 'colab',
      outPath: '/w/d.ipynb',
    });
    const sidecar = sameSettings(job, { dataset: 'file:///w/d.jsonl', notebook: 'file:///w/d.ipynb', target: 'colab', data: 'sidecar' }, 'yours', 'trl', fsPath);
    assert.equal(sidecar.data, 'sidecar', 'the remembered data choice');
  });

  it('falls back to the default target, writes over the server\'s notebook only on the server\'s dataset, and asks what the job lacks', () => {
    assert.deepEqual(sameSettings(job, undefined, 'server', 'trl', fsPath), { task: 'qa', deployment: 'edge', model: 'smollm2-360m', config: { num_epochs: 2 }, target: 'trl', outPath: '/srv/s/n.ipynb' });
    assert.equal(sameSettings(job, undefined, 'yours', 'trl', fsPath).outPath, undefined, 'next to the user\'s dataset');
    const bare = sameSettings({ ...job, task_type: null, deployment_target: null, selected_model_id: null, training_config: {} }, undefined, 'yours', undefined, fsPath);
    assert.deepEqual(bare, {}, 'nothing given: the wizard asks');
  });
});
