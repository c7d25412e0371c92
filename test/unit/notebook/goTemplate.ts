/**
 * A tiny evaluator for the subset of Go text/template that `ollamaTemplate` emits (range over .Messages, if / else
 * if with `eq`, variables declared with := and assigned with =, field and variable output), so tests can render
 * the Ollama TEMPLATE and compare it with the training rendering.
 */
interface Msg {
  role: string;
  content: string;
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'out'; expr: string }
  | { kind: 'set'; name: string; expr: string }
  | { kind: 'range'; body: Node[] }
  | { kind: 'if'; branches: { cond: string | null; body: Node[] }[] };

function tokenize(t: string): (string | { action: string })[] {
  const out: (string | { action: string })[] = [];
  let i = 0;
  while (i < t.length) {
    const j = t.indexOf('{{', i);
    if (j < 0) {
      out.push(t.slice(i));
      break;
    }
    if (j > i) out.push(t.slice(i, j));
    const k = t.indexOf('}}', j);
    out.push({ action: t.slice(j + 2, k).trim() });
    i = k + 2;
  }
  return out;
}

function parse(tokens: (string | { action: string })[], pos: { i: number }, stop: string[]): Node[] {
  const nodes: Node[] = [];
  while (pos.i < tokens.length) {
    const tok = tokens[pos.i]!;
    if (typeof tok === 'string') {
      nodes.push({ kind: 'text', text: tok });
      pos.i++;
      continue;
    }
    const a = tok.action;
    if (stop.some((s) => a === s || a.startsWith(`${s} `))) return nodes;
    pos.i++;
    if (a.startsWith('range ')) {
      const body = parse(tokens, pos, ['end']);
      pos.i++;
      nodes.push({ kind: 'range', body });
    } else if (a.startsWith('if ')) {
      const branches: { cond: string | null; body: Node[] }[] = [];
      let cond: string | null = a.slice(3);
      for (;;) {
        const body = parse(tokens, pos, ['else', 'end']);
        branches.push({ cond, body });
        const t = tokens[pos.i] as { action: string };
        pos.i++;
        if (t.action === 'end') break;
        cond = t.action.startsWith('else if ') ? t.action.slice(8) : null;
      }
      nodes.push({ kind: 'if', branches });
    } else if (/^\$\w+ :?= /.test(a)) {
      const m = /^(\$\w+) :?= (.*)$/.exec(a)!;
      nodes.push({ kind: 'set', name: m[1]!, expr: m[2]! });
    } else {
      nodes.push({ kind: 'out', expr: a });
    }
  }
  return nodes;
}

function value(expr: string, dot: Msg | null, vars: Map<string, string>): string | boolean {
  if (expr.startsWith('"')) return JSON.parse(expr) as string;
  if (expr === '.Content') return dot?.content ?? '';
  if (expr === '.Role') return dot?.role ?? '';
  if (expr.startsWith('$')) return vars.get(expr) ?? '';
  const eq = /^eq (\S+) (".*")$/.exec(expr);
  if (eq) return value(eq[1]!, dot, vars) === JSON.parse(eq[2]!);
  throw new Error(`unsupported expression ${expr}`);
}

function run(nodes: Node[], messages: Msg[], dot: Msg | null, vars: Map<string, string>): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'out') out += String(value(n.expr, dot, vars));
    else if (n.kind === 'set') vars.set(n.name, String(value(n.expr, dot, vars)));
    else if (n.kind === 'range') for (const m of messages) out += run(n.body, messages, m, vars);
    else {
      for (const b of n.branches) {
        const v = b.cond === null ? true : value(b.cond, dot, vars);
        if (v !== false && v !== '') {
          out += run(b.body, messages, dot, vars);
          break;
        }
      }
    }
  }
  return out;
}

/** Render a Go template of the supported subset with `.Messages`. */
export function renderGoTemplate(template: string, messages: Msg[]): string {
  const nodes = parse(tokenize(template), { i: 0 }, []);
  return run(nodes, messages, null, new Map());
}
