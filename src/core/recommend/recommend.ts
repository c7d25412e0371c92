/**
 * The model recommender: SLMGEN's 100-point structure (task fit 50, deployment fit 30, data fit 20), with the data
 * fit computed from the dataset report instead of fixed bonuses. Every reason comes from one scoring term and states
 * what that term contributed, so reasons and score always agree.
 */
import type { DatasetReport } from '../analysis/report';
import type { ModelTokenStats } from '../notebook/modelTokens';
import { MODELS } from './registry';
import type { ModelEntry } from './registry';

/** Accepted task types (API.md's `instruction_following`, SLMGEN's five, and three more). */
export const TASK_TYPES = [
  'instruction_following',
  'classify',
  'qa',
  'conversation',
  'generation',
  'extraction',
  'summarization',
  'code',
] as const;

/** A task type. */
export type TaskType = (typeof TASK_TYPES)[number];

/** Extra spellings accepted on input, mapped to a task type. */
export const TASK_ALIASES: Readonly<Record<string, TaskType>> = {
  chat: 'conversation',
  classification: 'classify',
  instruction: 'instruction_following',
};

/** Accepted deployment targets. */
export const DEPLOYMENT_TARGETS = ['cloud', 'server', 'desktop', 'edge', 'mobile', 'browser'] as const;

/** A deployment target. */
export type DeploymentTarget = (typeof DEPLOYMENT_TARGETS)[number];

/** Result of parsing user input: a value, or a message listing the accepted values (HTTP 400 material). */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Parse a task type (case-insensitive; `chat` and other aliases accepted). */
export function parseTaskType(v: unknown): ParseResult<TaskType> {
  const accepted = [...TASK_TYPES, ...Object.keys(TASK_ALIASES)].join(', ');
  if (typeof v !== 'string') return { ok: false, message: `task_type must be a string; accepted values: ${accepted}` };
  const key = v.trim().toLowerCase();
  const direct = TASK_TYPES.find((t) => t === key);
  const value = direct ?? TASK_ALIASES[key];
  if (value === undefined) return { ok: false, message: `unknown task_type "${v}"; accepted values: ${accepted}` };
  return { ok: true, value };
}

/** Parse a deployment target (case-insensitive). */
export function parseDeploymentTarget(v: unknown): ParseResult<DeploymentTarget> {
  const accepted = DEPLOYMENT_TARGETS.join(', ');
  if (typeof v !== 'string') {
    return { ok: false, message: `deployment_target must be a string; accepted values: ${accepted}` };
  }
  const key = v.trim().toLowerCase();
  const value = DEPLOYMENT_TARGETS.find((t) => t === key);
  if (value === undefined) {
    return { ok: false, message: `unknown deployment_target "${v}"; accepted values: ${accepted}` };
  }
  return { ok: true, value };
}

/** One scoring term: which part of the score it belongs to, its points, and the sentence explaining it. */
export interface ScoreTerm {
  part: 'task' | 'deployment' | 'data';
  key: string;
  points: number;
  reason: string;
}

/** One ranked model. `score` is 0–1 (API); `score_100` is the same on the 0–100 scale used in UI text. */
export interface Recommendation {
  rank: number;
  model_id: string;
  model_name: string;
  size: string;
  score: number;
  score_100: number;
  breakdown: { task: number; deployment: number; data: number };
  reasons: string[];
  terms: ScoreTerm[];
  is_gated: boolean;
  hf_repo: string;
  license: string;
  context_length: number;
  vram_gb: { train_4bit_lora: number; inference_4bit: number };
}

/** Points for the position of the task in a model's ordered task list (1st, 2nd, …); absent gets TASK_ABSENT. */
export const TASK_POINTS: readonly number[] = [50, 40, 30, 25, 20];
export const TASK_ABSENT = 10;
export const DEPLOY_LISTED = 30;
export const DATA_BASE = 10;
const CONSTRAINED: readonly DeploymentTarget[] = ['edge', 'mobile', 'browser'];

/** Share thresholds above which a trait of the data counts. */
const MULTILINGUAL_SHARE = 0.2;
const JSON_SHARE = 0.3;
const CODE_SHARE = 0.3;

const ORDINALS = ['primary', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh'];

function signed(points: number): string {
  return points >= 0 ? `+${points}` : `${points}`;
}

function taskTerm(model: ModelEntry, task: TaskType): ScoreTerm {
  const index = model.tasks.indexOf(task);
  const label = task.replace(/_/g, ' ');
  if (index < 0) {
    return { part: 'task', key: 'task-absent', points: TASK_ABSENT, reason: `${label} is not among this model's listed tasks (+${TASK_ABSENT}/50)` };
  }
  const points = TASK_POINTS[Math.min(index, TASK_POINTS.length - 1)] ?? TASK_ABSENT;
  const which = ORDINALS[index] ?? `#${index + 1}`;
  return { part: 'task', key: 'task-listed', points, reason: `${label} is this model's ${which} task (+${points}/50)` };
}

function deployTerm(model: ModelEntry, target: DeploymentTarget): ScoreTerm {
  if (model.deployments.includes(target)) {
    return { part: 'deployment', key: 'deploy-listed', points: DEPLOY_LISTED, reason: `built for ${target} deployment (+${DEPLOY_LISTED}/30)` };
  }
  const vram = model.vramGb.inference4bit;
  if (CONSTRAINED.includes(target)) {
    // Unlike SLMGEN (which favoured 3B models here), smaller models fit constrained devices better.
    const points = model.paramsB <= 1 ? 20 : model.paramsB <= 2 ? 15 : model.paramsB <= 4 ? 8 : 0;
    return { part: 'deployment', key: 'deploy-size', points, reason: `not built for ${target}, but ~${vram} GB at 4-bit (${model.size}) ${points >= 15 ? 'fits' : points > 0 ? 'is heavy for' : 'is too big for'} ${target} devices (+${points}/30)` };
  }
  const points = target === 'desktop' && model.paramsB > 5 ? 10 : 15;
  return { part: 'deployment', key: 'deploy-general', points, reason: `not tuned for ${target}, but ${target} hardware runs a ${model.size} model (+${points}/30)` };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Names of the languages `dominant_language` reports. */
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: 'English',
  zh: 'Chinese',
  ja: 'Japanese',
  ko: 'Korean',
  ru: 'Russian',
  ar: 'Arabic',
  hi: 'Hindi',
  es: 'Spanish',
  fr: 'French',
  de: 'German',
  pt: 'Portuguese',
  it: 'Italian',
};

/** "99% non-English text (mostly Portuguese)": the non-English share, and the dominant language when it is not English. */
function nonEnglishText(share: number, language: string, script: string): string {
  const pct = Math.round(share * 100);
  if (language !== 'en') return `${pct}% non-English text (mostly ${LANGUAGE_NAMES[language] ?? language})`;
  // Letters of a script we give no language for (Greek, Hebrew, Thai, …) are still not English.
  return script !== 'latin' && script !== 'none' ? `${pct}% non-English text (mostly ${script} script)` : `${pct}% non-English text`;
}

/** Findings of one code, including those a cap left out of `report.findings`. */
function countFindings(report: DatasetReport, code: string): number {
  return report.findings.filter((f) => f.code === code).length + (report.findings_omitted[code] ?? 0);
}

/** The data-fit terms (before the 0–20 clamp). Each term reads only report facts and registry facts. */
function dataTerms(model: ModelEntry, report: DatasetReport, modelTokens?: ModelTokenStats): ScoreTerm[] {
  const terms: ScoreTerm[] = [];
  const add = (key: string, points: number, reason: string): void => {
    terms.push({ part: 'data', key, points, reason: `${reason} (${signed(points)})` });
  };
  // The model's own counts (chat template included) when they were made for this model.
  const own = modelTokens !== undefined && modelTokens.model === model.id ? modelTokens : undefined;
  const p95 = own?.p95 ?? report.token_stats.total.p95;
  const p99 = own?.p99 ?? report.token_stats.total.p99;
  const unit = own === undefined ? 'tokens' : own.exact ? `${model.name} tokens` : `tokens (${model.name}'s template, o200k_base approximation)`;
  const ctx = model.contextLength;
  if (report.total_examples > 0) {
    if (p95 > ctx) add('context-p95', -8, `p95 example length ${fmt(p95)} ${unit} exceeds the ${fmt(ctx)}-token context: many examples would be truncated`);
    else if (p99 > ctx) add('context-p99', -4, `p99 example length ${fmt(p99)} ${unit} exceeds the ${fmt(ctx)}-token context: some examples would be truncated`);
    else add('context-fits', 2, `p99 example length ${fmt(p99)} ${unit} fits the ${fmt(ctx)}-token context`);
  }
  const n = report.total_examples;
  if (n < model.minExamples) add('size-small', -5, `${fmt(n)} examples is below the ${model.minExamples} this ${model.size} model needs`);
  else if (n >= 2 * model.minExamples) add('size-ample', 3, `${fmt(n)} examples is at least twice the ${model.minExamples} minimum`);

  const c = report.characteristics;
  if (c.is_multilingual || c.multilingual_share >= MULTILINGUAL_SHARE) {
    const text = nonEnglishText(c.multilingual_share, c.dominant_language, c.dominant_script);
    if (model.languageCoverage === 'broad') add('lang-broad', 5, `${text}; the model covers many languages`);
    else if (model.languageCoverage === 'several') add('lang-several', 1, `${text}; the model supports a few major languages`);
    else add('lang-english', -5, `${text}; the model is mainly English`);
  }
  if ((c.looks_like_json || c.json_reply_share >= JSON_SHARE) && model.structuredOutput) {
    add('json', 3, `${Math.round(c.json_reply_share * 100)}% of replies are JSON; the model is strong at structured output`);
  }
  if ((c.has_code || c.code_share >= CODE_SHARE) && model.codeSkill) {
    add('code', 3, `${Math.round(c.code_share * 100)}% of replies contain code; the model is strong at code`);
  }
  if (c.has_system_prompts && model.systemRole === 'rejected') {
    add('system-rejected', -4, 'the data has system prompts but the template rejects a system role: they are folded into the first user turn');
  } else if (c.has_system_prompts && model.systemRole === 'merged') {
    add('system-merged', -2, 'the data has system prompts; the template merges them into a user turn');
  }
  // Multi-turn data alternates fine; only same-role runs and tool turns must be merged for these templates.
  const sameRole = countFindings(report, 'consecutive-same-role');
  const toolTurns = (report.distribution.roles.tool ?? 0) + (report.distribution.roles.function ?? 0);
  if ((sameRole > 0 || toolTurns > 0) && model.strictAlternation) {
    const what = [sameRole > 0 ? `${fmt(sameRole)} consecutive same-role turns` : '', toolTurns > 0 ? `${fmt(toolTurns)} tool turns` : ''].filter((x) => x !== '').join(' and ');
    add('alternation', -2, `${what} must be merged into user/assistant turns: the template requires strict alternation`);
  }
  if (c.is_multi_turn && model.tasks.includes('conversation')) {
    add('multi-turn', 2, `${report.distribution.multi_turn_percentage}% of examples are multi-turn; such data suits this conversational model`);
  }
  return terms;
}

/** Score one model. The data part is the base plus the terms, clamped to 0–20; a clamp is itself a term. */
export function scoreModel(model: ModelEntry, report: DatasetReport, task: TaskType, deployment: DeploymentTarget, modelTokens?: ModelTokenStats): Omit<Recommendation, 'rank'> {
  const t = taskTerm(model, task);
  const d = deployTerm(model, deployment);
  const dataBase: ScoreTerm = { part: 'data', key: 'data-base', points: DATA_BASE, reason: `data fit base, before the data terms (+${DATA_BASE}/20)` };
  const dt = dataTerms(model, report, modelTokens);
  const raw = DATA_BASE + dt.reduce((s, x) => s + x.points, 0);
  const data = Math.max(0, Math.min(20, raw));
  const terms = [t, d, dataBase, ...dt];
  if (data !== raw) {
    terms.push({ part: 'data', key: 'data-clamp', points: data - raw, reason: `data fit capped at ${data}/20 (${signed(data - raw)})` });
  }
  const total = t.points + d.points + data;
  return {
    model_id: model.id,
    model_name: model.name,
    size: model.size,
    score: Math.round(total) / 100,
    score_100: total,
    breakdown: { task: t.points, deployment: d.points, data },
    // One reason per term, base included, so the stated points add up to the score.
    reasons: terms.map((x) => x.reason),
    terms,
    is_gated: model.isGated,
    hf_repo: model.hfRepo,
    license: model.license,
    context_length: model.contextLength,
    vram_gb: { train_4bit_lora: model.vramGb.train4bitLora, inference_4bit: model.vramGb.inference4bit },
  };
}

/**
 * Rank every registry model for a dataset, task and deployment target. Order: total score (desc), then data fit
 * (desc: the data evidence breaks ties), then smaller inference VRAM (cheaper to run), then registry order.
 * `modelTokens`, one model's own token counts, replace the o200k_base lengths in that model's context-fit term.
 */
export function recommendModels(report: DatasetReport, task: TaskType, deployment: DeploymentTarget, modelTokens?: ModelTokenStats): Recommendation[] {
  const scored = MODELS.map((m, index) => ({ index, m, r: scoreModel(m, report, task, deployment, modelTokens) }));
  scored.sort(
    (a, b) =>
      b.r.score_100 - a.r.score_100 ||
      b.r.breakdown.data - a.r.breakdown.data ||
      a.m.vramGb.inference4bit - b.m.vramGb.inference4bit ||
      a.index - b.index,
  );
  return scored.map((s, i) => ({ rank: i + 1, ...s.r }));
}
