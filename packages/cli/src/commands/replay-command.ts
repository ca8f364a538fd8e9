import { EXIT } from '../errors.js';
import type { CommandModule } from '../program/command-module.js';
import { tableOf, withJson, withModelFile, withTableOptions, type TableFlags } from '../program/shared-options.js';
import { checkSvgPath, writeSwimlane } from '../svg-output.js';
import { replayText, runReplay } from './replay.js';

/** `kvmrace replay`: the exact run of a token. */
export const replayCommand: CommandModule = {
  name: 'replay',
  register(program, ctx) {
    withJson(withTableOptions(withModelFile(program.command('replay'))))
      .description('re-run exactly the schedule of a replay token and print its trace')
      .argument('<token>', 'a token printed by hunt, verify or report (kr1....)')
      .option('--svg <file>', 'also draw the run as a swimlane picture (SVG) into this file')
      .action((token: string, opts: TableFlags & { svg?: string; json?: boolean }) => {
        const table = tableOf(opts);
        const svg = opts.svg !== undefined ? checkSvgPath(opts.svg) : undefined;
        const r = runReplay(token, ctx.models());
        const cx = r.counterexample;
        if (svg !== undefined) writeSwimlane(svg, r.model.name, r.variant, cx);
        ctx.io.out(opts.json ? ctx.json({ model: r.model.name, variant: r.variant, ...cx }) : replayText(r, table));
        ctx.code = cx.outcome.kind === 'ok' ? EXIT.ok : EXIT.found;
      });
  },
};
