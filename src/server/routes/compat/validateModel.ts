/**
 * `POST /validate-model` for SLMGEN's custom-model box, offline first: a registry model (any id, alias or HF
 * repository the registry knows) is answered from the registry; any other id is looked up on the Hugging Face Hub
 * when a Hub is configured, with a timeout, and otherwise answered as not checked. Unknown facts are null.
 */
import { findModel, MODELS } from '../../../core/recommend/registry';
import type { ModelEntry } from '../../../core/recommend/registry';
import type { ValidateModelResponse } from './compatSchemas';

/** Where and how long to ask the Hub; `endpoint` null means offline. */
export interface HubOptions {
  endpoint: string | null;
  timeoutMs: number;
}

/** A validation answer, or a 404 message (the Hub says the model does not exist). */
export type ValidateResult = { ok: true; body: ValidateModelResponse } | { ok: false; status: 404; message: string };

const SUPPORTED = [...new Set(MODELS.map((m) => m.architecture))].sort();

function registryAnswer(model: ModelEntry): ValidateModelResponse {
  return {
    model_id: model.hfRepo,
    name: model.name,
    architecture: model.architecture,
    context_window: model.contextLength,
    is_gated: model.isGated,
    downloads: null,
    likes: null,
    is_compatible: true,
    compatibility_reason: `${model.name} is in this server's model registry: notebooks can be generated for it${
      model.isGated ? ' (gated: accept its license on Hugging Face first)' : ''
    }.`,
    supported_architectures: SUPPORTED,
    source: 'registry',
  };
}

function registryOnly(): string {
  return `This server generates notebooks only for its ${MODELS.length} registry models (${MODELS.map((m) => m.hfRepo).join(', ')}).`;
}

function unchecked(id: string, why: string): ValidateModelResponse {
  return {
    model_id: id,
    name: id.split('/').pop() ?? id,
    architecture: null,
    context_window: null,
    is_gated: null,
    downloads: null,
    likes: null,
    is_compatible: false,
    compatibility_reason: `"${id}" is not in this server's model registry and ${why}. ${registryOnly()}`,
    supported_architectures: SUPPORTED,
    source: 'unchecked',
  };
}

function repoPath(id: string): string {
  return id.split('/').map(encodeURIComponent).join('/');
}

function intOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

/** The context window in a `config.json` (top level, else the text tower of a multimodal model). */
function contextOf(config: unknown): number | null {
  if (typeof config !== 'object' || config === null) return null;
  const c = config as Record<string, unknown>;
  for (const key of ['max_position_embeddings', 'max_seq_length', 'n_positions']) {
    const n = intOrNull(c[key]);
    if (n !== null && n > 0) return n;
  }
  return c.text_config !== undefined ? contextOf(c.text_config) : null;
}

async function fetchJson(url: string, timeoutMs: number): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  if (!res.ok) {
    await res.body?.cancel();
    return { status: res.status, json: null };
  }
  return { status: res.status, json: (await res.json()) as unknown };
}

function reason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'no answer in time';
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}

/** Validate a model id for the web UI's custom-model box. */
export async function validateModel(id: string, hub: HubOptions): Promise<ValidateResult> {
  const model = findModel(id);
  if (model) return { ok: true, body: registryAnswer(model) };
  if (hub.endpoint === null) {
    return { ok: true, body: unchecked(id, 'cannot be checked offline (the Hugging Face Hub lookup is off: HF_HUB_OFFLINE is set)') };
  }
  let info: { status: number; json: unknown };
  try {
    info = await fetchJson(`${hub.endpoint}/api/models/${repoPath(id)}`, hub.timeoutMs);
  } catch (error) {
    return { ok: true, body: unchecked(id, `could not be checked: the Hugging Face Hub at ${hub.endpoint} is not reachable (${reason(error)})`) };
  }
  // The Hub answers 401 for repositories that do not exist (or are private).
  if (info.status === 401 || info.status === 404) {
    return { ok: false, status: 404, message: `Model "${id}" was not found on the Hugging Face Hub (${hub.endpoint}).` };
  }
  if (info.status !== 200 || typeof info.json !== 'object' || info.json === null) {
    return { ok: true, body: unchecked(id, `could not be checked: the Hugging Face Hub at ${hub.endpoint} answered HTTP ${info.status}`) };
  }
  const facts = info.json as { likes?: unknown; downloads?: unknown; gated?: unknown; config?: { architectures?: unknown } };
  const architectures = facts.config?.architectures;
  const architecture = Array.isArray(architectures) && typeof architectures[0] === 'string' ? architectures[0] : null;
  // Gated repositories refuse config.json without a token: their context window stays unknown.
  const config = await fetchJson(`${hub.endpoint}/${repoPath(id)}/resolve/main/config.json`, hub.timeoutMs).catch(() => null);
  const known = architecture !== null && SUPPORTED.includes(architecture);
  return {
    ok: true,
    body: {
      model_id: id,
      name: id.split('/').pop() ?? id,
      architecture,
      context_window: config?.status === 200 ? contextOf(config.json) : null,
      is_gated: facts.gated === undefined ? null : facts.gated !== false,
      downloads: intOrNull(facts.downloads),
      likes: intOrNull(facts.likes),
      is_compatible: false,
      compatibility_reason: `"${id}" exists on the Hugging Face Hub${architecture ? ` (${architecture}${known ? ', an architecture the registry covers' : ''})` : ''} but is not in this server's model registry. ${registryOnly()}`,
      supported_architectures: SUPPORTED,
      source: 'hub',
    },
  };
}
