import type { AnyModel, RaceTableOptions } from '@kvmrace/core';
import pc from 'picocolors';
import { EXIT } from '../errors.js';
import type { Io } from '../program/io.js';
import { safetyModels } from '../registry.js';
import { huntJson, huntText, runHunt, type HuntCommand } from './hunt.js';

/**
 * `kvmrace hunt --all`: every model's buggy variant must race and its upstream variant must hold.
 * A model whose bug is a livelock (registry role `liveness`) has no race to find: skipped.
 */
export async function huntAll(all: readonly AnyModel[], base: HuntCommand, json: ((value: unknown) => string) | undefined, io: Io, table: RaceTableOptions): Promise<number> {
  const results = [];
  for (const model of safetyModels(all)) {
    const buggy = await runHunt(model, { ...base, variant: 'buggy' });
    // The upstream variant must hold over the whole catalogue.
    const fixed = await runHunt(model, { ...base, variant: 'upstream', strategy: base.strategy === 'fast-check' ? 'pct' : base.strategy });
    results.push({ model, buggy, fixed, ok: buggy.result.found && !fixed.result.found });
  }
  const ok = results.every((r) => r.ok);
  if (json) {
    io.out(json({ ok, models: results.map((r) => ({ model: r.model.name, ok: r.ok, buggy: huntJson(r.buggy), upstream: huntJson(r.fixed) })) }));
  } else {
    for (const r of results) {
      io.out(pc.bold(`== ${r.model.name}: ${r.model.title}`));
      io.out(huntText(r.buggy, table));
      io.out('');
      io.out(huntText(r.fixed, table));
      io.out('');
    }
    io.out(ok ? pc.green('every buggy variant raced and every upstream variant held') : pc.red('some model did not behave as expected (see above)'));
  }
  return ok ? EXIT.ok : EXIT.found;
}
