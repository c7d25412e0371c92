/**
 * jose 6 is published as ESM only. The server is type-checked as CommonJS (module Node16), so it is loaded with
 * a dynamic import, which esbuild inlines into the bundle and Node 20 resolves natively.
 */
// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- the ESM-only module needs resolution-mode
export type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });

let jose: Promise<Jose> | undefined;

/** The jose module (loaded once). */
export function loadJose(): Promise<Jose> {
  jose ??= import('jose');
  return jose;
}
