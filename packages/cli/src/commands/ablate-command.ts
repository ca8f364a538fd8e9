import { resolveVariant } from '@kvmrace/core';
import { EXIT, UsageError } from '../errors.js';
import { parseWhole } from '../options.js';
import type { CommandModule } from '../program/command-module.js';
import { guardWork } from '../program/guard-work.js';
import { VARIANT_HELP, withJson, withModelFile } from '../program/shared-options.js';
import { ablateJson, ablateText, runAblate } from './ablate.js';
import { estimateWork } from './estimate.js';

/** `kvmrace ablate`: every subset of a variant's fix toggles, and which hunks are necessary. */
export const ablateCommand: CommandModule = {
  name: 'ablate',
  register(program, ctx) {
    withJson(withModelFile(program.command('ablate')))
      .description("verify every subset of a variant's fix toggles and say which hunks are necessary; exit 0 when some subset holds, 1 when none does")
      .argument('[model]', 'model name (see kvmrace list)')
      .option('--variant <variant>', `whose toggles to take every subset of: ${VARIANT_HELP}`, 'upstream')
      .option('--preemptions <k>', 'only schedules with at most k preemptions')
      .option('--force', 'explore even a bound estimated too large to finish')
      .action((name: string | undefined, opts: { variant: string; preemptions?: string; force?: boolean; json?: boolean }) => {
        const model = ctx.findModel(name);
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
