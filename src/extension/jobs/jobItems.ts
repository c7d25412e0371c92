// How a job looks in the Jobs tree, as plain data: label, description, tooltip (Markdown), status icon and the
// context value the menus test. No `vscode` import: unit tests check it under plain Node.
import type { Job, JobStatus } from '../../shared/api';
import { compactNumber } from '../status/statusText';

/** A codicon id and the theme color it is drawn in. */
export interface JobIcon {
  id: string;
  color?: string;
}

export interface JobView {
  id: string;
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  icon: JobIcon;
  /** `job`, plus `:notebook` when the job has a notebook and `:colab` when it has a Colab link. */
  contextValue: string;
}

const STATUS_ICONS: Record<JobStatus, JobIcon> = {
  created: { id: 'circle-outline' },
  processing: { id: 'sync~spin' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
};

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "5 minutes ago", "yesterday", "now" — the largest whole unit between `then` and `now`. */
export function relativeTime(then: Date, now: Date): string {
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const seconds = Math.round((then.getTime() - now.getTime()) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, 'second');
}

/** The model's fit on the 0–100 scale the model picker shows (the API stores 0–1). */
export function modelScoreText(score: number | null): string | undefined {
  if (score === null) return undefined;
  const hundred = Math.round(score * 1000) / 10;
  return `score ${Number.isInteger(hundred) ? hundred : hundred.toFixed(1)}/100`;
}

function modelName(job: Job): string {
  return job.selected_model_name || job.selected_model_id || 'no model yet';
}

/** Markdown text with its special characters escaped (file and model names are user data). */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** The tree item of a job, with `now` for the relative time. */
export function jobView(job: Job, now: Date): JobView {
  const created = new Date(job.created_at);
  const valid = !Number.isNaN(created.getTime());
  const when = valid ? relativeTime(created, now) : job.created_at;
  const score = modelScoreText(job.model_score);
  const description = [modelName(job), score, job.status === 'completed' ? undefined : job.status, when].filter((p) => p !== undefined).join(' · ');
  const rows: [string, string][] = [
    ['Status', job.status],
    ['Model', job.selected_model_id !== null && job.selected_model_name !== job.selected_model_id ? `${modelName(job)} (${job.selected_model_id})` : modelName(job)],
    ['Model fit', score ?? 'not ranked'],
    ['Task', job.task_type ?? 'not set'],
    ['Deployment', job.deployment_target ?? 'not set'],
    ['Examples', job.total_examples.toLocaleString('en-US')],
    ['Tokens', `${job.total_tokens.toLocaleString('en-US')} (${compactNumber(job.total_tokens)})`],
    ['Quality score', `${job.quality_score.toFixed(2)} of 1`],
    ['Created', valid ? `${created.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC')} (${when})` : job.created_at],
    ['Notebook', job.notebook_filename ?? 'none'],
    ['Colab link', job.colab_url ?? 'none'],
  ];
  const tooltip = [`**${md(job.dataset_filename)}**`, '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${md(v)} |`)].join('\n');
  const contextValue = ['job', job.notebook_path !== null ? 'notebook' : undefined, job.colab_url !== null ? 'colab' : undefined].filter((p) => p !== undefined).join(':');
  return { id: job.id, label: job.dataset_filename, description, tooltip, icon: STATUS_ICONS[job.status], contextValue };
}
