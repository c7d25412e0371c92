// "SLMGEN: Choose Model for Token Counts": sets `slmgen.analysis.model` (the workspace's, or the user's without a
// workspace), after which the language server counts every dataset with that model's own tokenizer and template.
import * as vscode from 'vscode';
import { MODELS_METHOD, ModelsResult } from '../../shared/lspProtocol';
import { CONFIG_SECTION, SETTINGS } from '../constants';
import { pickOne } from './ask';
import type { CommandDeps } from './deps';
import { tokenModelItems } from './pickers';

/** Set the model (a registry id; '' for none), asked when not given. Returns the id set. */
export async function chooseModel(deps: Pick<CommandDeps, 'client'>, given?: unknown): Promise<string> {
  const models = await deps.client.request(MODELS_METHOD, {}, ModelsResult);
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  let id: string;
  if (typeof given === 'string') {
    if (given !== '' && !models.models.some((m) => m.id === given)) throw new Error(`Unknown model "${given}"; one of: ${models.models.map((m) => m.id).join(', ')}`);
    id = given;
  } else {
    id = await pickOne(tokenModelItems(models, config.get<string>(SETTINGS.model, '')), {
      title: 'SLMGEN: Choose Model for Token Counts',
      placeHolder: "Count every example with this model's own tokenizer and chat template",
      matchOnDetail: true,
    });
  }
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update(SETTINGS.model, id, target);
  return id;
}
