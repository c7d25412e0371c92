// The training-config form's logic: the fields come from the host's answer (the shared training-config schema's
// fields and ranges, the resolved values), the typed text becomes the partial config sent to the host, and the host's
// errors are placed next to their fields. Nothing is validated or computed here beyond reading a number. Plain TS:
// unit-tested under Node.
import type { TrainingPlanResult } from '../../shared/lspProtocol';

/** One field as the form shows it. */
export interface FormField {
  name: string;
  label: string;
  /** The allowed range, in the schema's words. */
  range: string;
  /** A list of values (comma-separated in the text field) rather than one number. */
  list: boolean;
  /** The text in the field: what the user typed, or the resolved value. */
  text: string;
  /** True when the user typed it (otherwise the preset's or the data's default). */
  edited: boolean;
  /** Why the default has its value (data-derived fields). */
  why?: string;
  error?: string;
}

/** "learning_rate" → "Learning rate"; "lora_rank" → "LoRA rank". */
export function fieldLabel(name: string): string {
  const words = name.split('_').map((w) => (w === 'lora' ? 'LoRA' : w));
  const text = words.join(' ');
  return text.startsWith('LoRA') ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

/** The text a resolved value is shown as. */
export function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return value === undefined || value === null ? '' : String(value);
}

/** Is the field a list? The schema's range says so (`a list of …`). */
function isList(range: string): boolean {
  return range.startsWith('a list');
}

/**
 * The partial config of the typed texts, and the texts that are not numbers at all (the host cannot be asked about
 * those). An empty text means "the default".
 */
export function configFromEdits(edits: Readonly<Record<string, string>>, fieldRanges: Readonly<Record<string, string>>): { config: Record<string, unknown>; errors: Record<string, string> } {
  const config: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, raw] of Object.entries(edits)) {
    const text = raw.trim();
    if (text === '') continue;
    if (isList(fieldRanges[name] ?? '')) {
      config[name] = text.split(/[\s,]+/).filter((v) => v !== '');
      continue;
    }
    const value = Number(text);
    if (Number.isFinite(value)) config[name] = value;
    else errors[name] = `must be ${fieldRanges[name] ?? 'a number'} (got "${text}")`;
  }
  return { config, errors };
}

/** The host's errors by field; errors of the whole config (or of a field the form does not show) under `''`. */
export function errorsByField(plan: TrainingPlanResult | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of plan?.errors ?? []) {
    const key = plan !== undefined && e.field in plan.fieldRanges ? e.field : '';
    out[key] = out[key] === undefined ? e.message : `${out[key]}; ${e.message}`;
  }
  return out;
}

/**
 * The form's fields in the schema's order: the typed text where the user typed, else the last resolved value; the
 * error next to each field is the local one (not a number) or the host's.
 */
export function formFields(plan: TrainingPlanResult | undefined, resolved: Readonly<Record<string, unknown>> | undefined, edits: Readonly<Record<string, string>>): FormField[] {
  if (plan === undefined) return [];
  const local = configFromEdits(edits, plan.fieldRanges).errors;
  const remote = errorsByField(plan);
  return Object.entries(plan.fieldRanges).map(([name, range]) => {
    const edited = edits[name] !== undefined;
    const field: FormField = {
      name,
      label: fieldLabel(name),
      range,
      list: isList(range),
      text: edited ? (edits[name] as string) : valueText(resolved?.[name]),
      edited,
    };
    const why = plan.derived?.[name];
    if (why !== undefined && !edited) field.why = why;
    const error = local[name] ?? remote[name];
    if (error !== undefined) field.error = error;
    return field;
  });
}
