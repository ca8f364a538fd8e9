import type { AnyModel } from '@kvmrace/core';
import { EXIT, UsageError } from '../errors.js';
import { parseSeed, parseWhole } from '../options.js';
import type { CommandModule } from '../program/command-module.js';
import { withModelFile } from '../program/shared-options.js';
import { progressBar } from '../progress.js';
import { prepareReportDir, writeReport } from './report-output.js';
import { reportText } from './report-text.js';
import { REPORT_PHASES as PHASES, runReport, type ReportPhase } from './report.js';

/** `kvmrace report`: the main job. */
export const reportCommand: CommandModule = {
  name: 'report',
  register(program, ctx) {
    withModelFile(program.command('report'))
      .description("the main job: every model's buggy race found and shrunk, upstream variant and proposals verified, fix hunks ablated, liveness models' fair lassos; text, HTML and JSON")
      .option('--seed <n>', 'seed of the fast-check hunts', '1')
      .option('--runs <n>', 'fast-check runs per hunt at most', '10000')
      .option('--out <dir>', 'where to write kvmrace-report.html and kvmrace-report.json', 'reports')
      .option('--no-ablation', 'skip verifying every subset of the fixes')
      .option('--no-memory', 'skip the LKMM checks (upstream under lkmm, each barrier off) of models with barrier toggles')
      .option('--only <models>', 'only these models (names joined by commas)')
      .option('--json', 'print the JSON report instead of text')
      .action(async (opts: { seed: string; runs: string; out: string; ablation: boolean; memory: boolean; only?: string; json?: boolean }) => {
        const io = ctx.io;
        const chosen = opts.only !== undefined ? onlyModels(opts.only, (n) => ctx.findModel(n)) : ctx.extra.length ? [...ctx.extra] : ctx.models();
        const seed = parseSeed(opts.seed);
        const runs = parseWhole('--runs', opts.runs, 1, 10_000_000);
        const empty = chosen.find((m) => m.scenarios.catalogue.length === 0);
        if (empty) throw new UsageError(`model '${empty.name}': nothing to verify: its scenario catalogue is empty (the report verifies the catalogue)`);
        prepareReportDir(opts.out);
        const bar = progressBar('report', { json: opts.json ?? false, interactive: io.interactive });
        const report = await runReport(chosen, {
          seed,
          runs,
          ablation: opts.ablation,
          memory: opts.memory,
          ...(bar ? { onPhase: (m: string, phase: ReportPhase, i: number, n: number) => bar.update(i * PHASES.length + PHASES.indexOf(phase), n * PHASES.length, `${m}: ${phase}`) } : {}),
        });
        bar?.stop();
        const files = writeReport(report, opts.out, (v) => ctx.json(v));
        io.out(opts.json ? ctx.json(report) : reportText(report, files));
        ctx.code = report.ok ? EXIT.ok : EXIT.found;
      });
  },
};

/** The models `--only` names, each once; a name given twice is refused. */
function onlyModels(list: string, find: (name: string) => AnyModel): AnyModel[] {
  const names = list.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--only '${list}' has an empty model name (names are joined by single commas)`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--only names model '${twice}' twice`);
  return names.map(find);
}
