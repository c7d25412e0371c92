/**
 * The report and the recommender's answer in the shapes SLMGEN's web UI reads. Every number comes from the same
 * dataset report and registry as the documented routes; only the presentation differs.
 */
import type { DatasetReport } from '../../../core/analysis/report';
import { findModel } from '../../../core/recommend/registry';
import type { RecommendationJson } from '../../../shared/api';
import type { RouteContext } from '../../routeContext';
import type { DatasetStats } from './compatSchemas';

/** SLMGEN's `DatasetStats` of a report. */
export function datasetStats(report: DatasetReport): DatasetStats {
  const multi = report.total_examples > 0 ? Math.round(report.distribution.multi_turn_percentage) : 0;
  return {
    total_examples: report.total_examples,
    total_tokens: report.total_tokens,
    avg_tokens_per_example: report.avg_tokens_per_example,
    single_turn_pct: report.total_examples > 0 ? 100 - multi : 0,
    multi_turn_pct: multi,
    has_system_prompts: report.characteristics.has_system_prompts,
    quality_score: report.quality_score,
    // The UI renders each issue as text.
    quality_issues: report.quality_issues.map((issue) => issue.message),
  };
}

/**
 * The `stats` field of an upload response, for browser callers only (the request has an `Origin`, as SLMGEN's web
 * UI's has): it waits for the analysis, which other clients start later (or never), and which shutdown may cancel.
 * Absent without an analysis engine.
 */
export async function uploadStats(
  reports: RouteContext['reports'],
  sessionId: string,
  origin: string | undefined,
): Promise<{ stats?: DatasetStats }> {
  return reports && origin !== undefined ? { stats: datasetStats(await reports.get(sessionId)) } : {};
}

/** SLMGEN's `DatasetCharacteristics` of a report. */
export function datasetCharacteristics(report: DatasetReport) {
  const c = report.characteristics;
  return {
    is_multilingual: c.is_multilingual,
    avg_response_length: Math.round(c.avg_response_length),
    looks_like_json: c.looks_like_json,
    is_multi_turn: c.is_multi_turn,
    has_system_prompts: c.has_system_prompts,
    dominant_language: c.dominant_language,
  };
}

/** How many alternatives SLMGEN's `/recommend` returns beside the primary pick. */
const ALTERNATIVES = 3;

/** `{primary, alternatives}` from the ranked documented recommendations: HF ids, 0–100 scores, context windows. */
export function primaryAndAlternatives(ranked: readonly RecommendationJson[]) {
  const models = ranked.slice(0, 1 + ALTERNATIVES).map((r) => {
    const model = findModel(r.model_id);
    if (!model) throw new Error(`recommended model ${r.model_id} is not in the registry`);
    return {
      model_id: model.hfRepo,
      model_name: r.model_name,
      size: r.size,
      score: Math.round(r.score * 100),
      reasons: r.reasons,
      context_window: model.contextLength,
      is_gated: r.is_gated,
    };
  });
  const [primary, ...alternatives] = models;
  if (!primary) throw new Error('the recommender returned no model');
  return { primary, alternatives };
}

/** A job's model name when the client sent none: the registry name, else the id itself, else "" (no model yet). */
export function jobModelName(modelId: string | null | undefined): string {
  if (!modelId) return '';
  return findModel(modelId)?.name ?? modelId;
}
