// Every command of the manifest, each through the one error wrapper, callable with arguments (tests, keybindings).
import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import { analyzeDataset, analyzeFileOnDisk } from './analyzeDataset';
import type { CommandDeps } from './deps';
import { fixAll, removeDuplicates } from './fixCommands';
import { generateNotebook } from './generateNotebook';
import { recommendModel } from './recommendModel';
import { runCommand } from './runCommand';

/** Register the commands; the returned disposables belong in `context.subscriptions`. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { log } = deps;
  const register = <A extends unknown[], R>(id: string, title: string, fn: (...args: A) => Promise<R>): vscode.Disposable =>
    vscode.commands.registerCommand(id, runCommand(log, title, fn));
  return [
    register(COMMANDS.analyzeDataset, 'Analyze Dataset', (uri?: unknown, options?: unknown) => analyzeDataset(deps, uri, options)),
    register(COMMANDS.analyzeFile, 'Analyze File on Disk', (uri?: unknown) => analyzeFileOnDisk(deps, uri)),
    register(COMMANDS.recommendModel, 'Recommend Model', (uri?: unknown, options?: unknown) => recommendModel(deps, uri, options)),
    register(COMMANDS.generateNotebook, 'Generate Notebook', (uri?: unknown, options?: unknown) => generateNotebook(deps, uri, options)),
    register(COMMANDS.fixAll, 'Fix All Safe Problems', (uri?: unknown) => fixAll(uri)),
    register(COMMANDS.removeDuplicates, 'Remove Duplicates', (uri?: unknown) => removeDuplicates(uri)),
    register(COMMANDS.restartLanguageServer, 'Restart Language Server', () => deps.client.restart()),
    register(COMMANDS.showLog, 'Show Log', async () => deps.log.show()),
  ];
}
