import assert from 'node:assert/strict';
import {
  DEPLOYMENT_TARGETS,
  TASK_TYPES,
  parseDeploymentTarget,
  parseTaskType,
  recommendModels,
} from '../../../src/core/recommend/recommend';
import type { Recommendation } from '../../../src/core/recommend/recommend';
import { MODELS, findModel } from '../../../src/core/recommend/registry';
import { makeReport } from './makeReport';

function byId(recs: Recommendation[], id: string): Recommendation {
  const r = recs.find((x) => x.model_id === id);
  assert.ok(r, id);
  return r;
}

/** Sum of the points each reason states in its trailing "(+N)" or "(+N/M)". */
function reasonPoints(r: Recommendation): number {
  let sum = 0;
  for (const reason of r.reasons) {
    const m = /\(([+-]\d+)(?:\/\d+)?\)$/.exec(reason);
    assert.ok(m, `reason without points: ${reason}`);
    sum += Number(m[1]);
  }
  return sum;
}

function termKeys(r: Recommendation): string[] {
  return r.terms.map((t) => t.key);
}

/** Top pick for the plain dataset (200 English single-turn examples of ~100 tokens), per task × deployment. */
const TOP: Record<string, Record<string, string>> = {
  instruction_following: { cloud: 'qwen3-4b', server: 'qwen3-4b', desktop: 'qwen3-1.7b', edge: 'qwen3-1.7b', mobile: 'qwen3-1.7b', browser: 'qwen3-1.7b' },
  classify: { cloud: 'phi-4-mini', server: 'phi-4-mini', desktop: 'phi-4-mini', edge: 'smollm2-135m', mobile: 'smollm2-135m', browser: 'smollm2-135m' },
  qa: { cloud: 'llama-3.2-3b', server: 'llama-3.2-3b', desktop: 'llama-3.2-3b', edge: 'gemma-3-1b', mobile: 'gemma-3-1b', browser: 'gemma-3-1b' },
  conversation: { cloud: 'stablelm-zephyr-3b', server: 'stablelm-zephyr-3b', desktop: 'stablelm-zephyr-3b', edge: 'gemma-3-1b', mobile: 'gemma-3-1b', browser: 'gemma-3-1b' },
  generation: { cloud: 'mistral-7b', server: 'mistral-7b', desktop: 'stablelm-zephyr-3b', edge: 'deepseek-coder-1.3b', mobile: 'stablelm-zephyr-3b', browser: 'stablelm-zephyr-3b' },
  extraction: { cloud: 'qwen2.5-3b', server: 'qwen2.5-3b', desktop: 'qwen2.5-1.5b', edge: 'qwen2.5-1.5b', mobile: 'qwen2.5-1.5b', browser: 'smollm2-135m' },
  summarization: { cloud: 'gemma-3-4b', server: 'gemma-3-4b', desktop: 'gemma-3-4b', edge: 'gemma-3-4b', mobile: 'gemma-3-1b', browser: 'gemma-3-1b' },
  code: { cloud: 'qwen3-4b', server: 'deepseek-coder-1.3b', desktop: 'deepseek-coder-1.3b', edge: 'deepseek-coder-1.3b', mobile: 'deepseek-coder-1.3b', browser: 'deepseek-coder-1.3b' },
};

describe('recommender', () => {
  describe('table: every task × deployment on a plain dataset', () => {
    const report = makeReport();
    for (const task of TASK_TYPES) {
      for (const deploy of DEPLOYMENT_TARGETS) {
        it(`${task} on ${deploy}`, () => {
          const recs = recommendModels(report, task, deploy);
          assert.equal(recs.length, MODELS.length);
          assert.equal(recs[0]!.model_id, TOP[task]![deploy]);
          for (let i = 0; i < recs.length; i++) {
            const r = recs[i]!;
            assert.equal(r.rank, i + 1);
            if (i > 0) assert.ok(recs[i - 1]!.score_100 >= r.score_100, 'sorted by score');
            assert.ok(r.score >= 0 && r.score <= 1);
            assert.equal(r.score, r.score_100 / 100);
            assert.equal(r.breakdown.task + r.breakdown.deployment + r.breakdown.data, r.score_100);
            assert.ok(r.breakdown.task <= 50 && r.breakdown.deployment <= 30 && r.breakdown.data <= 20 && r.breakdown.data >= 0);
            // The terms add up to the score, every reason states its own term's contribution, and the points
            // stated in the reasons (data base included) add up to the score.
            assert.equal(r.terms.reduce((s, t) => s + t.points, 0), r.score_100);
            assert.deepEqual(r.reasons, r.terms.map((t) => t.reason));
            assert.equal(reasonPoints(r), r.score_100, r.reasons.join(' | '));
            const model = findModel(r.model_id)!;
            assert.equal(r.breakdown.task === 50, model.tasks[0] === task, `${r.model_id} task points`);
            assert.equal(r.breakdown.deployment === 30, model.deployments.includes(deploy));
            assert.equal(r.is_gated, model.isGated);
            assert.equal(r.context_length, model.contextLength);
          }
        });
      }
    }
  });

  it('breaks ties by data fit, then smaller inference memory, then registry order', () => {
    const recs = recommendModels(makeReport(), 'qa', 'cloud');
    const [a, b] = recs;
    assert.equal(a!.score_100, b!.score_100);
    assert.equal(a!.model_id, 'llama-3.2-3b');
    assert.equal(b!.model_id, 'phi-3.5-mini');
    assert.deepEqual(recommendModels(makeReport(), 'qa', 'cloud'), recs, 'deterministic');
  });

  it('penalizes models whose context would truncate long examples', () => {
    const long = makeReport({ avg_tokens_per_example: 6000, p95: 9000, p99: 12000 });
    const recs = recommendModels(long, 'qa', 'edge');
    assert.ok(termKeys(byId(recs, 'gemma-2-2b')).includes('context-p95'));
    assert.ok(termKeys(byId(recs, 'tinyllama-1.1b')).includes('context-p95'));
    assert.ok(termKeys(byId(recs, 'llama-3.2-1b')).includes('context-fits'));
    const p99only = recommendModels(makeReport({ p95: 3000, p99: 9000 }), 'qa', 'edge');
    assert.ok(termKeys(byId(p99only, 'gemma-2-2b')).includes('context-p99'));
    // Same task position and deployment: the long-context model now ranks above the 8K one.
    const plain = recommendModels(makeReport(), 'qa', 'edge');
    assert.equal(byId(plain, 'llama-3.2-1b').score_100, byId(plain, 'tinyllama-1.1b').score_100);
    assert.ok(byId(recs, 'llama-3.2-1b').score_100 > byId(recs, 'tinyllama-1.1b').score_100);
  });

  it('weighs dataset size against each model\'s minimum', () => {
    const tiny = recommendModels(makeReport({ total_examples: 60 }), 'generation', 'cloud');
    assert.ok(termKeys(byId(tiny, 'mistral-7b')).includes('size-small'));
    assert.ok(!termKeys(byId(tiny, 'tinyllama-1.1b')).includes('size-small'));
    const plain = recommendModels(makeReport(), 'generation', 'cloud');
    assert.ok(byId(tiny, 'mistral-7b').score_100 < byId(plain, 'mistral-7b').score_100);
    assert.ok(termKeys(byId(plain, 'smollm2-1.7b')).includes('size-ample'));
  });

  it('matches multilingual data to language coverage', () => {
    const ml = makeReport({ characteristics: { is_multilingual: true, multilingual_share: 0.7, dominant_script: 'han', dominant_language: 'zh' } });
    const recs = recommendModels(ml, 'extraction', 'edge');
    assert.ok(termKeys(byId(recs, 'qwen2.5-1.5b')).includes('lang-broad'));
    assert.ok(termKeys(byId(recs, 'smollm2-135m')).includes('lang-english'));
    assert.ok(termKeys(byId(recs, 'llama-3.2-1b')).includes('lang-several'));
    const plain = recommendModels(makeReport(), 'extraction', 'edge');
    // SmolLM2 and Qwen 2.5 0.5B tie on plain data; multilingual data separates them.
    assert.equal(byId(plain, 'smollm2-135m').score_100, byId(plain, 'qwen2.5-0.5b').score_100);
    assert.ok(byId(recs, 'qwen2.5-0.5b').score_100 > byId(recs, 'smollm2-135m').score_100);
    assert.ok(byId(recs, 'qwen2.5-0.5b').reasons.some((r) => r.includes('70% non-English text (mostly Chinese)')));
  });

  it('rewards JSON and code replies only for models strong at them', () => {
    const json = recommendModels(makeReport({ characteristics: { looks_like_json: true, json_reply_share: 0.8 } }), 'extraction', 'cloud');
    assert.ok(termKeys(byId(json, 'phi-4-mini')).includes('json'));
    assert.ok(!termKeys(byId(json, 'llama-3.2-3b')).includes('json'));
    const code = recommendModels(makeReport({ characteristics: { has_code: true, code_share: 0.6 } }), 'code', 'cloud');
    assert.ok(termKeys(byId(code, 'deepseek-coder-1.3b')).includes('code'));
    assert.ok(!termKeys(byId(code, 'tinyllama-1.1b')).includes('code'));
  });

  it('flags system prompts for templates without a system role', () => {
    const sys = recommendModels(makeReport({ characteristics: { has_system_prompts: true } }), 'classify', 'edge');
    assert.ok(termKeys(byId(sys, 'gemma-2-2b')).includes('system-rejected'));
    assert.ok(termKeys(byId(sys, 'gemma-3-1b')).includes('system-merged'));
    assert.ok(!termKeys(byId(sys, 'qwen2.5-0.5b')).some((k) => k.startsWith('system')));
  });

  it('penalizes same-role runs and tool turns (not multi-turn data) for strict-alternation templates', () => {
    const mt = recommendModels(makeReport({ multi_turn_percentage: 40 }), 'conversation', 'server');
    assert.ok(!termKeys(byId(mt, 'mistral-7b')).includes('alternation'), 'well-alternating multi-turn data is fine');
    assert.ok(termKeys(byId(mt, 'stablelm-zephyr-3b')).includes('multi-turn'));
    const runs = recommendModels(makeReport({ multi_turn_percentage: 40, findingCodes: ['consecutive-same-role', 'consecutive-same-role'], findings_omitted: { 'consecutive-same-role': 3 } }), 'conversation', 'server');
    const mistral = byId(runs, 'mistral-7b');
    assert.ok(termKeys(mistral).includes('alternation'));
    assert.ok(mistral.reasons.some((x) => x.includes('5 consecutive same-role turns')));
    assert.ok(!termKeys(byId(runs, 'qwen2.5-3b')).includes('alternation'));
    const tools = recommendModels(makeReport({ roles: { tool: 4 } }), 'qa', 'edge');
    assert.ok(byId(tools, 'gemma-3-1b').reasons.some((x) => x.includes('4 tool turns')));
    assert.ok(!termKeys(byId(tools, 'llama-3.2-1b')).includes('alternation'));
  });

  it('clamps data fit to 0–20 with a stated clamp term', () => {
    const worst = makeReport({
      total_examples: 10,
      p95: 50000,
      p99: 60000,
      multi_turn_percentage: 50,
      findingCodes: ['consecutive-same-role'],
      characteristics: { is_multilingual: true, multilingual_share: 0.9, has_system_prompts: true },
    });
    const r = byId(recommendModels(worst, 'qa', 'cloud'), 'gemma-2-2b');
    assert.equal(r.breakdown.data, 0);
    assert.ok(termKeys(r).includes('data-clamp'));
    assert.equal(r.terms.reduce((s, t) => s + t.points, 0), r.score_100);
  });

  it('small models fit constrained targets better than large unlisted ones', () => {
    const recs = recommendModels(makeReport(), 'generation', 'browser');
    assert.ok(byId(recs, 'qwen2.5-0.5b').breakdown.deployment > byId(recs, 'mistral-7b').breakdown.deployment);
    assert.equal(byId(recs, 'mistral-7b').breakdown.deployment, 0);
  });

  it('parses task types and deployment targets with clear errors', () => {
    assert.deepEqual(parseTaskType('QA'), { ok: true, value: 'qa' });
    assert.deepEqual(parseTaskType('chat'), { ok: true, value: 'conversation' });
    assert.deepEqual(parseTaskType('instruction_following'), { ok: true, value: 'instruction_following' });
    const bad = parseTaskType('poetry');
    assert.equal(bad.ok, false);
    if (!bad.ok) for (const t of TASK_TYPES) assert.ok(bad.message.includes(t));
    assert.equal(parseTaskType(3).ok, false);
    assert.deepEqual(parseDeploymentTarget('Edge'), { ok: true, value: 'edge' });
    const badD = parseDeploymentTarget('toaster');
    assert.equal(badD.ok, false);
    if (!badD.ok) assert.ok(badD.message.includes('cloud, server, desktop, edge, mobile, browser'));
  });
});
