import { Option } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import { parseSeed, parseWhole } from '../options.js';
import type { CommandModule } from '../program/command-module.js';
import { barriersOff, refuseUnderWeakMemory, tableOf, VARIANT_HELP, withJson, withMemory, withModelFile, withTableOptions, type MemoryFlags, type TableFlags } from '../program/shared-options.js';
import { checkLitmusPath, writeLitmus } from '../litmus-output.js';
import { huntMemoryJson, huntMemoryText, runHuntMemory } from './hunt-memory.js';
import { progressBar } from '../progress.js';
import { checkSvgPath, writeSwimlane } from '../svg-output.js';
import { huntAll } from './hunt-all.js';
import { hasPossibleDeadlock } from './lock-order-output.js';
import { huntJson, huntText, runHunt, type HuntCommand } from './hunt.js';

interface HuntFlags extends TableFlags, MemoryFlags {
  readonly litmus?: string;
  readonly all?: boolean;
  readonly variant: string;
  readonly seed: string;
  readonly runs: string;
  readonly strategy: 'fast-check' | 'random' | 'pct';
  readonly depth: string;
  readonly svg?: string;
  readonly lockOrder?: boolean;
  readonly json?: boolean;
}

/** `kvmrace hunt`: search for a failing schedule. */
export const huntCommand: CommandModule = {
  name: 'hunt',
  register(program, ctx) {
    withJson(withMemory(withTableOptions(withModelFile(program.command('hunt')))))
      .description('search for a failing schedule; exit 1 when a race is found, 0 when none')
      .argument('[model]', 'model name (see kvmrace list)')
      .option('--all', 'hunt every model: buggy must fail, upstream must hold')
      .option('--variant <variant>', VARIANT_HELP, 'upstream')
      .option('--seed <n>', 'seed of every random choice', '1')
      .option('--runs <n>', 'executions (fast-check: property runs) at most', '20000')
      .addOption(new Option('--strategy <name>', 'fast-check (generated scenarios and schedules, shrunk to the minimal race), or a plain random walk or PCT over the catalogue').choices(['fast-check', 'random', 'pct']).default('fast-check'))
      .option('--depth <n>', 'PCT bug depth (priority change points + 1)', '3')
      .option('--lock-order', 'also record, across every execution explored, the locks held when each lock is taken, and report a cycle in that order as a possible deadlock (exit 1), as lockdep does')
      .option('--svg <file>', 'also draw the race as a swimlane picture (SVG) into this file')
      .option('--litmus <file>', 'with --memory tso or lkmm: also write the race as a C litmus test that herd7 can run')
      .action(async (name: string | undefined, opts: HuntFlags) => {
        const io = ctx.io;
        const table = tableOf(opts);
        const base: HuntCommand = {
          variant: opts.variant,
          seed: parseSeed(opts.seed),
          runs: parseWhole('--runs', opts.runs, 1, 100_000_000),
          strategy: opts.strategy,
          depth: parseWhole('--depth', opts.depth, 1, 20),
          ...(opts.lockOrder ? { lockOrder: true } : {}),
        };
        if (opts.all) {
          if (opts.memory !== 'sc') throw new UsageError(`--all is not supported with --memory ${opts.memory} yet: give a model name`);
          if (name) throw new UsageError('give a model name or --all, not both');
          if (opts.svg !== undefined) throw new UsageError('--svg draws one race: give a model name instead of --all');
          ctx.code = await huntAll(ctx.models(), base, opts.json ? (v) => ctx.json(v) : undefined, io, table);
          return;
        }
        if (opts.litmus !== undefined && opts.memory === 'sc') throw new UsageError('--litmus needs --memory tso or lkmm: a race under sc has no weak edge to write');
        const model = ctx.findModel(name);
        const without = barriersOff(model, opts);
        const svg = opts.svg !== undefined ? checkSvgPath(opts.svg) : undefined;
        const litmus = opts.litmus !== undefined ? checkLitmusPath(opts.litmus) : undefined;
        if (opts.memory !== 'sc') {
          refuseUnderWeakMemory(opts.memory, { '--lock-order': opts.lockOrder, '--strategy': opts.strategy === 'fast-check' ? undefined : opts.strategy });
          const bar = progressBar(`hunt ${model.name} (${opts.memory})`, { json: opts.json ?? false, interactive: io.interactive });
          const report = runHuntMemory(model, { ...base, memory: opts.memory, withoutBarriers: without }, bar ? (done) => bar.update(done, base.runs, 'runs') : undefined);
          bar?.stop();
          const cx = report.result.counterexample;
          if (svg !== undefined && cx) writeSwimlane(svg, model.name, report.variant, cx);
          if (litmus !== undefined && cx) writeLitmus(litmus, cx);
          io.out(opts.json ? ctx.json(huntMemoryJson(report)) : huntMemoryText(report, table));
          ctx.code = report.result.found ? EXIT.found : EXIT.ok;
          return;
        }
        const bar = progressBar(`hunt ${model.name}`, { json: opts.json ?? false, interactive: io.interactive });
        const report = await runHunt(model, base, bar ? (done) => bar.update(done, base.runs, 'runs') : undefined);
        bar?.stop();
        const cx = report.result.counterexample;
        if (svg !== undefined && cx) writeSwimlane(svg, model.name, report.variant, cx);
        io.out(opts.json ? ctx.json(huntJson(report)) : huntText(report, table));
        if (svg !== undefined && !opts.json) io.err(cx ? `swimlane: ${svg}` : `no race, so no swimlane written to ${opts.svg}`);
        ctx.code = report.result.found || hasPossibleDeadlock(report.result.lockOrder) ? EXIT.found : EXIT.ok;
      });
  },
};
