import { modelBarriers, namedVariants, type AnyModel } from '@kvmrace/core';
import pc from 'picocolors';

/** The JSON of `kvmrace list --json`. */
export function listJson(models: readonly AnyModel[]): unknown {
  return models.map((m) => ({
    name: m.name,
    title: m.title,
    operations: m.operationNames.map((name) => ({ name, kernel: m.operations[name]?.kernel, summary: m.operations[name]?.summary })),
    fixes: m.fixNames.map((name) => ({ name, commit: m.fixes[name]?.commit, merged: m.fixes[name]?.merged !== false, summary: m.fixes[name]?.summary })),
    variants: namedVariants(m).map((v) => ({
      name: v.name,
      role: v.role,
      fixes: v.fixes,
      ...(v.role === 'proposal' ? { source: m.proposals?.[v.name]?.source, summary: m.proposals?.[v.name]?.summary } : {}),
    })),
    barriers: modelBarriers(m).map((b) => ({ name: b.name, from: b.from, summary: b.summary, pairsWith: b.pairsWith })),
    scenarios: m.scenarios.catalogue.map((s) => ({ name: s.name, threads: s.threads })),
  }));
}

/** What each role means, for the text listing. */
const ROLE_TEXT: Record<string, string> = {
  buggy: 'the code before the fix',
  upstream: 'the fix as merged; the default of hunt, verify and ablate; fixed is a synonym',
  proposal: 'a posted proposal',
  all: 'every toggle on',
  named: 'a named set of toggles',
};

/** The text of `kvmrace list`. */
export function listText(models: readonly AnyModel[]): string {
  const out: string[] = [];
  for (const m of models) {
    out.push(`${pc.bold(m.name)}  ${m.title}`);
    out.push(`  operations: ${m.operationNames.join(', ')}`);
    const fix = (f: string) => `${f} (${m.fixes[f]?.merged === false ? `not merged, ${m.fixes[f]?.commit}` : m.fixes[f]?.commit})`;
    out.push(`  fixes:      ${m.fixNames.length ? m.fixNames.map(fix).join(', ') : 'none'}`);
    out.push('  variants:');
    for (const v of namedVariants(m)) {
      const p = v.role === 'proposal' ? m.proposals?.[v.name] : undefined;
      const what = p ? `${ROLE_TEXT.proposal}, ${p.source}: ${p.summary}` : ROLE_TEXT[v.role];
      out.push(`    ${v.name.padEnd(22)} ${(v.fixes.join(', ') || 'no fixes').padEnd(0)}  ${pc.dim(`(${what})`)}`);
    }
    const barriers = modelBarriers(m);
    if (barriers.length) {
      out.push(`  barriers:   ${pc.dim('(toggles, on by default; they order memory under tso and lkmm: --without-barrier)')}`);
      for (const b of barriers) out.push(`    ${b.name.padEnd(34)} ${pc.dim(`${b.from === 'model' ? '' : `${b.from}: `}${b.summary}`)}`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}
