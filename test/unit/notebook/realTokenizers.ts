/** The real tokenizers and chat templates live in src/node/modelTokenizers.ts; the tests import them from here. */
export { loadRealTokenizer, realPackageFor, RealTokenizer, renderRealTemplate } from '../../../src/node/modelTokenizers';
export type { RealPackage } from '../../../src/node/modelTokenizers';
export { pythonStrip } from '../../../src/core/notebook/chatTemplates';
