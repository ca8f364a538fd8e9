import { resolveVariant } from '@kvmrace/core';
import { EXIT, UsageError } from '../errors.js';
import { parseWhole } from '../options.js';
import type { CommandModule } from '../program/command-module.js';
import { guardWork } from '../program/guard-work.js';
import { tableOf, VARIANT_HELP, withJson, withMemory, withModelFile, withTableOptions, type MemoryFlags, type TableFlags } from '../program/shared-options.js';
import { progressBar } from '../progress.js';
import { barrierAblationJson, barrierAblationText, runBarrierAblation } from './ablate-barriers.js';
import { ablateJson, ablateText, runAblate } from './ablate.js';
import { estimateWork } from './estimate.js';

/** `kvmrace ablate`: every subset of a variant's fix toggles, and which hunks are necessary. */
export const ablateCommand: CommandModule = {
  name: 'ablate',
  register(program, ctx) {
    withJson(withTableOptions(withMemory(withModelFile(program.command('ablate')))))
      .description("verify every subset of a variant's fix toggles and say which hunks are necessary; exit 0 when some subset holds, 1 when none does")
      .argument('[model]', 'model name (see kvmrace list)')
      .option('--variant <variant>', `whose toggles to take every subset of: ${VARIANT_HELP}`, 'upstream')
      .option('--preemptions <k>', 'only schedules with at most k preemptions')
      .option('--force', 'explore even a bound estimated too large to finish')
      .option('--barriers', 'with --memory tso or lkmm: turn off each barrier toggle (and each pair the kernel pairs) instead of the fixes, and say which are needed, with the race each one prevents')
      .action((name: string | undefined, opts: MemoryFlags & TableFlags & { variant: string; preemptions?: string; force?: boolean; json?: boolean; barriers?: boolean }) => {
        const model = ctx.findModel(name);
        if (opts.barriers) {
          if (opts.memory === 'sc') throw new UsageError('--barriers needs --memory tso or lkmm: barriers order nothing under sc');
          if (opts.preemptions !== undefined) throw new UsageError(`--preemptions is not supported with --memory ${opts.memory} yet`);
          if (opts.withoutBarrier !== undefined) throw new UsageError('--without-barrier and --barriers do not go together: --barriers turns each barrier off itself');
          if (model.scenarios.catalogue.length === 0) throw new UsageError(`model '${model.name}': nothing to ablate: its scenario catalogue is empty`);
          const bar = progressBar(`ablate ${model.name} --barriers`, { json: opts.json ?? false, interactive: ctx.io.interactive });
          const report = runBarrierAblation(model, opts.variant, opts.memory, bar ? (done, total) => bar.update(done, total, 'verifications') : undefined);
          bar?.stop();
          ctx.io.out(opts.json ? ctx.json(barrierAblationJson(report)) : barrierAblationText(report, tableOf(opts)));
          // 0 when the model holds with every barrier (the table says which are needed), 1 when it does not.
          ctx.code = report.ablation.baseline.verdict === 'holds' ? EXIT.ok : EXIT.found;
          return;
        }
        if (opts.memory !== 'sc') throw new UsageError(`ablate --memory ${opts.memory} ablates barriers: add --barriers (fix ablation runs under sc)`);
        const preemptions = opts.preemptions !== undefined ? parseWhole('--preemptions', opts.preemptions, 0, 1000) : undefined;
        const variant = resolveVariant(model, opts.variant);
        if (variant.fixes.length === 0) throw new UsageError(`variant '${variant.name}' of model '${model.name}' has no fix toggles to ablate`);
        if (model.scenarios.catalogue.length === 0) throw new UsageError(`model '${model.name}': nothing to ablate: its scenario catalogue is empty`);
        const one = estimateWork(model, variant.fixes, { ...(preemptions !== undefined ? { preemptions } : {}) }, model.scenarios.catalogue.map((s) => s.threads));
        const subsets = 2 ** variant.fixes.length;
        guardWork(`ablate ${model.name}`, { scenarios: one.scenarios * subsets, interleavings: one.interleavings * subsets }, preemptions, opts.force ?? false, ctx.io, 'add --preemptions');
        const report = runAblate(model, variant, preemptions);
        ctx.io.out(opts.json ? ctx.json(ablateJson(report)) : ablateText(report));
        // Like verify: 0 when some set of fixes holds (the table says which hunks are needed), 1 when none does.
        ctx.code = report.ablation.minimalSufficient.length > 0 ? EXIT.ok : EXIT.found;
      });
  },
};
