/**
 * The server's settings: the `slmgen` section of the client's configuration, validated with the shared schema. A
 * section with a bad value falls back to its defaults (and says so), so that one typo does not undo every setting.
 */
import type { DocumentSettings } from '../node/documentHost';
import type { z } from 'zod';
import { SETTINGS_SECTION, ServerSettings } from '../shared/lspProtocol';
import { globToRegExp } from './documentSelection';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeIssues(issues: readonly z.core.$ZodIssue[], key: string): string {
  return issues.map((i) => `${[SETTINGS_SECTION, key, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
}

/**
 * Settings from what a client sent: the section's object (`{tokens, analysis, files}`), or an object holding it under
 * `slmgen` (a `didChangeConfiguration` push, or `initializationOptions`). Anything else gives the defaults.
 */
export function parseServerSettings(raw: unknown, warn: (message: string) => void): ServerSettings {
  const input = isObject(raw) && isObject(raw[SETTINGS_SECTION]) ? raw[SETTINGS_SECTION] : isObject(raw) ? raw : {};
  const whole = ServerSettings.safeParse(input);
  if (whole.success) return checkGlob(whole.data, warn);
  const { tokens, analysis, files } = ServerSettings.shape;
  const section = <S extends z.ZodType>(schema: S, key: string): z.output<S> => {
    const parsed = schema.safeParse(input[key]);
    if (parsed.success) return parsed.data;
    warn(`Ignoring the ${SETTINGS_SECTION}.${key} settings (defaults used): ${describeIssues(parsed.error.issues, key)}`);
    return schema.parse(undefined);
  };
  return checkGlob({ tokens: section(tokens, 'tokens'), analysis: section(analysis, 'analysis'), files: section(files, 'files') }, warn);
}

/** A glob that does not compile is replaced by the default one. */
function checkGlob(settings: ServerSettings, warn: (message: string) => void): ServerSettings {
  try {
    globToRegExp(settings.files.jsonArrayGlob);
    return settings;
  } catch (err) {
    const files = ServerSettings.shape.files.parse(undefined);
    warn(`Ignoring ${SETTINGS_SECTION}.files.jsonArrayGlob (${(err as Error).message}); using ${files.jsonArrayGlob}`);
    return { ...settings, files };
  }
}

/** How the document host analyses documents under these settings (exact token counts, as every editor figure). */
export function documentSettingsOf(settings: ServerSettings): DocumentSettings {
  return {
    encoding: settings.tokens.encoding,
    countMode: settings.tokens.countMode,
    maxSeqLength: settings.analysis.maxSeqLength,
    exact: true,
    nearThreshold: settings.analysis.nearDuplicateThreshold,
    wholeFileDelayMs: settings.analysis.wholeFileDelayMs,
    sensitiveData: settings.analysis.sensitiveDataScan,
  };
}

/**
 * Whether two settings analyse or publish documents differently (open documents must then be analysed and published
 * again).
 */
export function analysisDiffers(a: ServerSettings, b: ServerSettings): boolean {
  const x = documentSettingsOf(a);
  const y = documentSettingsOf(b);
  if (a.analysis.maxDiagnosticsPerFile !== b.analysis.maxDiagnosticsPerFile) return true;
  return (Object.keys(x) as (keyof DocumentSettings)[]).some((k) => x[k] !== y[k]);
}
