import type { AnyModel } from '@kvmrace/core';
import pc from 'picocolors';

/** The JSON of `kvmrace list --json`. */
export function listJson(models: readonly AnyModel[]): unknown {
  return models.map((m) => ({
    name: m.name,
    title: m.title,
    operations: m.operationNames.map((name) => ({ name, kernel: m.operations[name]?.kernel, summary: m.operations[name]?.summary })),
    fixes: m.fixNames.map((name) => ({ name, commit: m.fixes[name]?.commit, summary: m.fixes[name]?.summary })),
    variants: ['buggy', 'fixed', ...Object.keys(m.variants ?? {})],
    scenarios: m.scenarios.catalogue.map((s) => ({ name: s.name, threads: s.threads })),
  }));
}

/** The text of `kvmrace list`. */
export function listText(models: readonly AnyModel[]): string {
  const out: string[] = [];
  for (const m of models) {
    out.push(`${pc.bold(m.name)}  ${m.title}`);
    out.push(`  operations: ${m.operationNames.join(', ')}`);
    out.push(`  fixes:      ${m.fixNames.length ? m.fixNames.map((f) => `${f} (${m.fixes[f]?.commit})`).join(', ') : 'none'}`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}
