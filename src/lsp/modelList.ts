/**
 * `slmgen/models`: the registry's models with their context windows and whether their own tokenizer is installed, for
 * the editor's model choice (`slmgen.analysis.model`).
 */
import { MODELS } from '../core/recommend/registry';
import { modelTokenizerPackage } from '../node/modelTokenizers';
import type { ModelsResult } from '../shared/lspProtocol';

export function modelList(): ModelsResult {
  return {
    models: MODELS.map((m) => {
      const tokenizer = modelTokenizerPackage(m);
      return { id: m.id, name: m.name, size: m.size, contextLength: m.contextLength, isGated: m.isGated, tokenizerPackage: tokenizer.package, exact: tokenizer.installed };
    }),
  };
}
