import type { Command } from 'commander';
import { guardModel, modelNames } from '../guard/guard-model.js';
import { MAX_MEMORY_RANGE, STEP_TIMEOUT_RANGE } from '../guard/run-guarded.js';
import { CELL } from '../guard/watchdog-cell.js';
import { loadModelFile } from '../load-model.js';
import { parseWhole } from '../options.js';
import type { CliContext } from './context.js';

/** Before any command runs: loads the `--model <file>` it names (guarded when in a worker). */
export function loadModelBeforeAction(program: Command, ctx: CliContext): void {
  program.hook('preAction', async (_program, action) => {
    const file = action.opts().model as string | undefined;
    if (file === undefined) return;
    const opts = action.opts() as { stepTimeout?: string; maxMemory?: string };
    if (opts.stepTimeout !== undefined) parseWhole('--step-timeout', opts.stepTimeout, ...STEP_TIMEOUT_RANGE);
    if (opts.maxMemory !== undefined) parseWhole('--max-memory', opts.maxMemory, ...MAX_MEMORY_RANGE);
    const guard = ctx.guard;
    const model = await loadModelFile(file, () => {
      if (guard) guard.watchdog[CELL.beats] = (guard.watchdog[CELL.beats] as number) + 1;
    });
    if (guard) {
      guard.watchdog[CELL.phase] = 1;
      guard.onModelLoaded(modelNames(model));
    }
    const loaded = guard ? guardModel(model, guard.watchdog) : model;
    ctx.extra.push(loaded);
    ctx.modelFiles.set(loaded, file);
  });
}
