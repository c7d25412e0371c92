import assert from 'node:assert/strict';
import { MODELS, findModel } from '../../../src/core/recommend/registry';
import type { ModelEntry, TemplateFamily } from '../../../src/core/recommend/registry';
import { DEPLOYMENT_TARGETS, TASK_TYPES } from '../../../src/core/recommend/recommend';

/** What each template family must look like (from the models' tokenizer_config.json chat templates). */
const FAMILY: Record<TemplateFamily, { instruction: string; response: string; stop: string }> = {
  chatml: { instruction: '<|im_start|>user\n', response: '<|im_start|>assistant\n', stop: '<|im_end|>' },
  qwen3: { instruction: '<|im_start|>user\n', response: '<|im_start|>assistant\n', stop: '<|im_end|>' },
  llama3: { instruction: '<|start_header_id|>user<|end_header_id|>\n\n', response: '<|start_header_id|>assistant<|end_header_id|>\n\n', stop: '<|eot_id|>' },
  gemma: { instruction: '<start_of_turn>user\n', response: '<start_of_turn>model\n', stop: '<end_of_turn>' },
  phi3: { instruction: '<|user|>\n', response: '<|assistant|>\n', stop: '<|end|>' },
  'phi4-mini': { instruction: '<|user|>', response: '<|assistant|>', stop: '<|end|>' },
  mistral: { instruction: '[INST]', response: '[/INST]', stop: '</s>' },
  zephyr: { instruction: '<|user|>\n', response: '<|assistant|>\n', stop: '' },
  'deepseek-coder': { instruction: '### Instruction:\n', response: '### Response:\n', stop: '<|EOT|>' },
};

// Linear module names in transformers' modeling code: Llama-style, plus Phi3's fused qkv_proj / gate_up_proj.
const KNOWN_MODULES = new Set(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj', 'qkv_proj', 'gate_up_proj']);
const LLAMA_STYLE = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];
const PHI3_FUSED = ['qkv_proj', 'o_proj', 'gate_up_proj', 'down_proj'];

describe('model registry', () => {
  it('holds SLMGEN\'s 11 models (by their registry keys) and the requested small models', () => {
    for (const key of ['phi4', 'llama32', 'gemma2', 'qwen25', 'mistral7b', 'smollm2', 'llama32_1b', 'tinyllama', 'stablelm', 'deepseek_coder', 'phi35']) {
      assert.ok(findModel(key), `missing SLMGEN key ${key}`);
    }
    for (const id of ['qwen2.5-0.5b', 'qwen2.5-1.5b', 'qwen3-0.6b', 'qwen3-1.7b', 'qwen3-4b', 'gemma-3-1b', 'gemma-3-4b', 'smollm2-135m', 'smollm2-360m', 'llama-3.2-1b', 'llama-3.2-3b', 'phi-4-mini']) {
      assert.equal(findModel(id)?.id, id);
    }
    assert.ok(MODELS.length >= 20);
  });

  it('has unique slug ids and aliases, all resolvable', () => {
    const seen = new Set<string>();
    for (const m of MODELS) {
      assert.match(m.id, /^[a-z0-9][a-z0-9.-]*$/);
      for (const key of [m.id, m.hfRepo.toLowerCase(), ...m.aliases]) {
        assert.ok(!seen.has(key), `duplicate key ${key}`);
        seen.add(key);
        assert.equal(findModel(key), m);
      }
      assert.equal(findModel(m.hfRepo.toUpperCase()), m);
      if (m.unslothRepo) assert.equal(findModel(m.unslothRepo), m);
    }
    assert.equal(findModel('gpt-4'), undefined);
    assert.equal(findModel(''), undefined);
  });

  it('every entry is complete', () => {
    for (const m of MODELS) {
      const at = `${m.id}`;
      for (const s of [m.name, m.hfRepo, m.size, m.license, m.architecture, m.chatTemplate, m.instructionPart, m.responsePart]) {
        assert.ok(s.length > 0, at);
      }
      assert.match(m.hfRepo, /^[\w.-]+\/[\w.-]+$/, at);
      if (m.unslothRepo !== null) assert.match(m.unslothRepo, /^unsloth\//, at);
      assert.ok(m.paramsB > 0 && m.paramsB < 10, at);
      assert.ok(Number.isInteger(m.contextLength) && m.contextLength >= 2048, at);
      assert.ok(m.stopTokens.length > 0 && m.loraTargets.length > 0, at);
      for (const t of [...m.loraTargets, ...m.hfLoraTargets]) assert.ok(KNOWN_MODULES.has(t), `${at}: ${t}`);
      // Without an Unsloth copy, Colab loads the HF checkpoint too: both lists must then agree.
      if (m.unslothRepo === null) assert.deepEqual(m.loraTargets, m.hfLoraTargets, at);
      assert.ok(m.tasks.length > 0 && new Set(m.tasks).size === m.tasks.length, at);
      for (const t of m.tasks) assert.ok((TASK_TYPES as readonly string[]).includes(t), `${at}: ${t}`);
      assert.ok(m.deployments.length > 0);
      for (const d of m.deployments) assert.ok((DEPLOYMENT_TARGETS as readonly string[]).includes(d), `${at}: ${d}`);
      assert.ok(m.strengths.length >= 2, at);
      assert.ok(m.minExamples >= 10, at);
      assert.ok(m.vramGb.train4bitLora > m.vramGb.inference4bit && m.vramGb.inference4bit > 0, at);
    }
  });

  it('family, markers and stop tokens agree', () => {
    for (const m of MODELS) {
      const f = FAMILY[m.family];
      assert.equal(m.instructionPart, f.instruction, m.id);
      assert.equal(m.responsePart, f.response, m.id);
      if (f.stop) assert.equal(m.stopTokens[0], f.stop, m.id);
      assert.notEqual(m.instructionPart, m.responsePart, m.id);
    }
    // Zephyr-style templates end turns with the tokenizer's eos token, which differs per model.
    assert.deepEqual(findModel('tinyllama')?.stopTokens, ['</s>']);
    assert.deepEqual(findModel('stablelm')?.stopTokens, ['<|endoftext|>']);
  });

  it('template facts follow the family', () => {
    const by = (id: string): ModelEntry => findModel(id)!;
    assert.equal(by('gemma-2-2b').systemRole, 'rejected');
    assert.equal(by('gemma-3-1b').systemRole, 'merged');
    assert.equal(by('mistral-7b').systemRole, 'merged');
    for (const m of MODELS) {
      assert.equal(m.strictAlternation, m.family === 'gemma' || m.family === 'mistral', m.id);
      if (m.family === 'chatml' || m.family === 'qwen3' || m.family === 'llama3' || m.family === 'phi3') assert.equal(m.systemRole, 'native', m.id);
    }
  });

  it('uses config.json context lengths, not SLMGEN\'s understated ones', () => {
    assert.equal(findModel('phi-4-mini')?.contextLength, 131072);
    assert.equal(findModel('llama32')?.contextLength, 131072);
    assert.equal(findModel('llama32_1b')?.contextLength, 131072);
    assert.equal(findModel('tinyllama')?.contextLength, 2048);
    assert.equal(findModel('gemma2')?.contextLength, 8192);
  });

  it('marks Llama and Gemma as gated, Phi and Qwen as open', () => {
    for (const m of MODELS) {
      if (m.family === 'llama3' || m.family === 'gemma') assert.equal(m.isGated, true, m.id);
      if (m.family === 'phi3' || m.family === 'phi4-mini' || m.family === 'qwen3' || m.hfRepo.startsWith('Qwen/')) assert.equal(m.isGated, false, m.id);
    }
  });

  it('LoRA targets match each checkpoint\'s modules (fused Phi3 in microsoft/ repos and Phi-4-mini everywhere)', () => {
    const phi4 = findModel('phi-4-mini')!;
    assert.equal(phi4.architecture, 'Phi3ForCausalLM');
    assert.deepEqual(phi4.loraTargets, PHI3_FUSED);
    assert.deepEqual(phi4.hfLoraTargets, PHI3_FUSED);
    const phi35 = findModel('phi-3.5-mini')!;
    assert.deepEqual(phi35.loraTargets, LLAMA_STYLE, 'Unsloth\'s Phi-3.5 copy is saved Llama-style');
    assert.deepEqual(phi35.hfLoraTargets, PHI3_FUSED, 'microsoft/Phi-3.5-mini-instruct keeps fused modules');
    for (const m of MODELS) {
      if (m.architecture !== 'Phi3ForCausalLM') assert.deepEqual(m.hfLoraTargets, LLAMA_STYLE, m.id);
      else assert.deepEqual(m.hfLoraTargets, PHI3_FUSED, m.id);
    }
  });

  it('records default system prompts that templates insert', () => {
    assert.equal(
      findModel('deepseek-coder-1.3b')?.defaultSystem,
      'You are an AI programming assistant, utilizing the Deepseek Coder model, developed by Deepseek Company, and you only answer questions related to computer science. For politically sensitive questions, security and privacy issues, and other non-computer science questions, you will refuse to answer\n',
    );
    assert.equal(findModel('qwen2.5-3b')?.defaultSystem, 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.');
    assert.equal(findModel('phi-4-mini')?.defaultSystem, null);
  });

  it('marks StableLM Zephyr as gated under Stability AI\'s non-commercial license', () => {
    const m = findModel('stablelm')!;
    assert.equal(m.isGated, true);
    assert.equal(m.license, 'stabilityai-non-commercial');
  });
});
