import { Command, CommanderError, Option } from 'commander';
import pc from 'picocolors';
import { huntJson, huntText, runHunt, type HuntCommand } from './commands/hunt.js';
import { listJson, listText } from './commands/list.js';
import { ablateJson, ablateText, runAblate } from './commands/ablate.js';
import { replayText, runReplay } from './commands/replay.js';
import { prepareReportDir, writeReport } from './commands/report-output.js';
import { reportText } from './commands/report-text.js';
import { runReport } from './commands/report.js';
import { loadModelFile } from './load-model.js';
import { parseShard, runVerify, verifyJson, verifyText, type VerifyCommand } from './commands/verify.js';
import { estimateWork, tooMuchWork, type WorkEstimate } from './commands/estimate.js';
import { EXIT, UsageError } from './errors.js';
import { checkSvgPath, writeSwimlane } from './svg-output.js';
import { cliVersion } from './version.js';
import { escapeControl } from './terminal-text.js';
import { progressBar } from './progress.js';

/** The phases of one model in the report, in order (for its progress bar). */
const PHASES = ['hunt', 'verify', 'ablate'] as const;
import { guardModel, modelNames, type ModelNames } from './guard/guard-model.js';
import { DEFAULT_LIMITS, MAX_MEMORY_RANGE, STEP_TIMEOUT_RANGE } from './guard/run-guarded.js';
import { CELL } from './guard/watchdog-cell.js';
import { parseSeed, parseWhole } from './options.js';
import { builtinModels, findModel as findIn } from './registry.js';
import { resolveVariant, type AnyModel, type RaceTableOptions } from '@kvmrace/core';
import { availableParallelism } from 'node:os';

/** Where a command writes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress is shown only then). */
  readonly interactive: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
};


/** Set when the CLI runs inside a guarded worker (see guard/run-guarded.ts). */
export interface GuardHooks {
  /** The watchdog cell the user's model code reports to. */
  readonly watchdog: Int32Array;
  /** Called with the loaded model's names, so the parent can say where it got stuck. */
  readonly onModelLoaded: (names: ModelNames) => void;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], rawIo: Io = processIo, guard?: GuardHooks): Promise<number> {
  // Everything printed passes through here: a model's strings cannot drive the terminal.
  const io: Io = {
    out: (t) => rawIo.out(escapeControl(t, pc.isColorSupported)),
    err: (t) => rawIo.err(escapeControl(t, pc.isColorSupported)),
    interactive: rawIo.interactive,
  };
  let code: number = EXIT.ok;
  const program = new Command('kvmrace')
    .description('Hunt, verify and replay races in executable models of kernel concurrency protocols.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: () => undefined })
    .showSuggestionAfterError(true)
    .version(cliVersion(), '-V, --version', 'print the version of kvmrace')
    .option('--no-timing', 'leave wall-clock times (ms fields) out of JSON, so the same command prints the same bytes');
  /** JSON as printed: wall-clock fields dropped with --no-timing. */
  const json = (value: unknown): string => JSON.stringify(value, program.opts().timing === false ? withoutTiming : undefined, 2);

  /** Built-in models plus the one a `--model <file>` option loads. */
  const extra: AnyModel[] = [];
  /** The file each model of `extra` came from (workers load it again). */
  const modelFiles = new Map<AnyModel, string>();
  const models = (): readonly AnyModel[] => [...extra, ...builtinModels.filter((m) => !extra.some((e) => e.name === m.name))];
  const findModel = (name: string | undefined): AnyModel => {
    if (name === undefined) {
      if (extra.length) return extra[0] as AnyModel;
      throw new UsageError('give a model name (see kvmrace list) or --model <file>');
    }
    return findIn(name, models());
  };
  program.hook('preAction', async (_program, action) => {
    const file = action.opts().model as string | undefined;
    if (file === undefined) return;
    const opts = action.opts() as { stepTimeout?: string; maxMemory?: string };
    if (opts.stepTimeout !== undefined) parseWhole('--step-timeout', opts.stepTimeout, ...STEP_TIMEOUT_RANGE);
    if (opts.maxMemory !== undefined) parseWhole('--max-memory', opts.maxMemory, ...MAX_MEMORY_RANGE);
    const model = await loadModelFile(file, () => {
      if (guard) guard.watchdog[CELL.beats] = (guard.watchdog[CELL.beats] as number) + 1;
    });
    if (guard) {
      guard.watchdog[CELL.phase] = 1;
      guard.onModelLoaded(modelNames(model));
      extra.push(guardModel(model, guard.watchdog));
    } else {
      extra.push(model);
    }
    modelFiles.set(extra[extra.length - 1] as AnyModel, file);
  });
  /** `--width` and `--format` of the race tables a command prints. */
  const tableOptions = (cmd: Command): Command =>
    cmd
      .option('--width <n>', `most columns a race table line takes (default: the terminal's width, ${DEFAULT_WIDTH} when not a terminal; 72 for a commit message)`)
      .addOption(new Option('--format <style>', 'race table style: table (numbered rows, a column per CPU) or commit (CPU 0 / CPU 1, as in kernel commit messages)').choices(['table', 'commit']).default('table'));
  /** The race table options a command was given. */
  const tableOf = (opts: { width?: string; format?: 'table' | 'commit' }): RaceTableOptions => ({
    width: opts.width !== undefined ? parseWhole('--width', opts.width, 40, 1000) : terminalWidth(),
    format: opts.format ?? 'table',
  });
  /** `--model <file>` and the limits its code runs under. */
  const modelOptions = (cmd: Command): Command =>
    cmd
      .option('--model <file>', 'a model file of your own (.ts or .js exporting a defineModel() model); its name can then be left out')
      .option('--step-timeout <s>', `with --model: longest one step (or setup, or an invariant) of the model may run, in seconds (default ${DEFAULT_LIMITS.stepTimeoutSeconds})`)
      .option('--max-memory <MB>', `with --model: heap the model may use, in MB (default ${DEFAULT_LIMITS.maxMemoryMb})`);

  modelOptions(program.command('list'))
    .description('the registered models with their operations and fixes')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      io.out(opts.json ? json(listJson(models())) : listText(models()));
    });

  tableOptions(modelOptions(program.command('hunt')))
    .description('search for a failing schedule; exit 1 when a race is found, 0 when none')
    .argument('[model]', 'model name (see kvmrace list)')
    .option('--all', 'hunt every model: buggy must fail, upstream must hold')
    .option('--variant <variant>', 'buggy, upstream (the fix as merged; fixed is a synonym), all (every toggle), a proposal or named variant (see kvmrace list), or fix names joined by commas', 'upstream')
    .option('--seed <n>', 'seed of every random choice', '1')
    .option('--runs <n>', 'executions (fast-check: property runs) at most', '20000')
    .addOption(new Option('--strategy <name>', 'fast-check (generated scenarios and schedules, shrunk to the minimal race), or a plain random walk or PCT over the catalogue').choices(['fast-check', 'random', 'pct']).default('fast-check'))
    .option('--depth <n>', 'PCT bug depth (priority change points + 1)', '3')
    .option('--svg <file>', 'also draw the race as a swimlane picture (SVG) into this file')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, opts: { all?: boolean; variant: string; seed: string; runs: string; strategy: 'fast-check' | 'random' | 'pct'; depth: string; svg?: string; json?: boolean; width?: string; format?: 'table' | 'commit' }) => {
      const table = tableOf(opts);
      const base: HuntCommand = {
        variant: opts.variant,
        seed: parseSeed(opts.seed),
        runs: parseWhole('--runs', opts.runs, 1, 100_000_000),
        strategy: opts.strategy,
        depth: parseWhole('--depth', opts.depth, 1, 20),
      };
      if (opts.all) {
        if (name) throw new UsageError('give a model name or --all, not both');
        if (opts.svg !== undefined) throw new UsageError('--svg draws one race: give a model name instead of --all');
        code = await huntAll(models(), base, opts.json ? json : undefined, io, table);
        return;
      }
      const model = findModel(name);
      const svg = opts.svg !== undefined ? checkSvgPath(opts.svg) : undefined;
      const bar = progressBar(`hunt ${model.name}`, { json: opts.json ?? false, interactive: io.interactive });
      const report = await runHunt(model, base, bar ? (done) => bar.update(done, base.runs, 'runs') : undefined);
      bar?.stop();
      const cx = report.result.counterexample;
      if (svg !== undefined && cx) writeSwimlane(svg, model.name, report.variant, cx);
      io.out(opts.json ? json(huntJson(report)) : huntText(report, table));
      if (svg !== undefined && !opts.json) io.err(cx ? `swimlane: ${svg}` : `no race, so no swimlane written to ${opts.svg}`);
      code = report.result.found ? EXIT.found : EXIT.ok;
    });

  tableOptions(modelOptions(program.command('verify')))
    .description('explore every interleaving of every scenario (DPOR); exit 0 when the invariants hold, 1 with a counterexample')
    .argument('[model]', 'model name (see kvmrace list)')
    .option('--variant <variant>', 'buggy, upstream (the fix as merged; fixed is a synonym), all (every toggle), a proposal or named variant (see kvmrace list), or fix names joined by commas', 'upstream')
    .option('--threads <n>', 'verify every scenario with up to n threads (default: the catalogue)')
    .option('--max-ops <n>', 'verify every scenario with up to n operations (default: the catalogue)')
    .option('--preemptions <k>', 'only schedules with at most k preemptions (bounded DFS, no DPOR)')
    .option('--minimal', 'report the smallest counterexample (threads, operations, preemptions, steps)')
    .option('--shard <i/n>', 'only the i-th of n deterministic parts of the work (merge the JSON results)')
    .addOption(new Option('--engine <name>', 'exhaustive engine: auto (stateful search for models with invariants checked after every step, else DPOR), dpor, or stateful').choices(['auto', 'dpor', 'stateful']).default('auto'))
    .option('--workers <n>', `worker threads sharing the search (default: the core count, ${availableParallelism()} here)`)
    .option('--force', 'explore even a bound estimated too large to finish')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, opts: { variant: string; threads?: string; maxOps?: string; preemptions?: string; minimal?: boolean; shard?: string; workers?: string; engine: 'auto' | 'dpor' | 'stateful'; force?: boolean; json?: boolean; width?: string; format?: 'table' | 'commit' }) => {
      const table = tableOf(opts);
      const model = findModel(name);
      const workers = opts.workers !== undefined ? parseWhole('--workers', opts.workers, 1, 256) : availableParallelism();
      const cmd: VerifyCommand = {
        variant: opts.variant,
        minimal: opts.minimal ?? false,
        engine: opts.engine,
        ...(opts.threads !== undefined ? { threads: parseWhole('--threads', opts.threads, 1, 16) } : {}),
        ...(opts.maxOps !== undefined ? { maxOps: parseWhole('--max-ops', opts.maxOps, 1, 64) } : {}),
        ...(opts.preemptions !== undefined ? { preemptions: parseWhole('--preemptions', opts.preemptions, 0, 1000) } : {}),
        ...(opts.shard !== undefined ? { shard: parseShard(opts.shard) } : {}),
      };
      const generated = cmd.threads !== undefined || cmd.maxOps !== undefined;
      const whole = estimateWork(model, resolveVariant(model, cmd.variant).fixes, cmd, generated ? undefined : model.scenarios.catalogue.map((s) => s.threads));
      // A shard does about its share of the work.
      const share = cmd.shard ? 1 / cmd.shard.count : 1;
      guardWork(`verify ${model.name}`, { scenarios: Math.ceil(whole.scenarios * share), interleavings: whole.interleavings * share }, cmd.preemptions, opts.force ?? false, io);
      const bar = progressBar(`verify ${model.name}`, { json: opts.json ?? false, interactive: io.interactive });
      const file = extra.includes(model) ? modelFiles.get(model) : undefined;
      const source = { model, ...(file !== undefined ? { file } : {}), ...(guard ? { watchdog: guard.watchdog } : {}) };
      const report = await runVerify(source, cmd, workers, bar ? (done, total) => bar.update(done, total, 'units') : undefined);
      bar?.stop();
      io.out(opts.json ? json(verifyJson(report)) : verifyText(report, table));
      code = report.result.verdict === 'holds' ? EXIT.ok : EXIT.found;
    });

  modelOptions(program.command('ablate'))
    .description('verify every subset of a variant\'s fix toggles and say which hunks are necessary; exit 0 when some subset holds, 1 when none does')
    .argument('[model]', 'model name (see kvmrace list)')
    .option('--variant <variant>', 'whose toggles to take every subset of: ' + 'buggy, upstream (the fix as merged; fixed is a synonym), all (every toggle), a proposal or named variant (see kvmrace list), or fix names joined by commas', 'upstream')
    .option('--preemptions <k>', 'only schedules with at most k preemptions')
    .option('--force', 'explore even a bound estimated too large to finish')
    .option('--json', 'print JSON')
    .action((name: string | undefined, opts: { variant: string; preemptions?: string; force?: boolean; json?: boolean }) => {
      const model = findModel(name);
      const preemptions = opts.preemptions !== undefined ? parseWhole('--preemptions', opts.preemptions, 0, 1000) : undefined;
      const variant = resolveVariant(model, opts.variant);
      if (variant.fixes.length === 0) throw new UsageError(`variant '${variant.name}' of model '${model.name}' has no fix toggles to ablate`);
      if (model.scenarios.catalogue.length === 0) throw new UsageError(`model '${model.name}': nothing to ablate: its scenario catalogue is empty`);
      const one = estimateWork(model, variant.fixes, { ...(preemptions !== undefined ? { preemptions } : {}) }, model.scenarios.catalogue.map((s) => s.threads));
      const subsets = 2 ** variant.fixes.length;
      guardWork(`ablate ${model.name}`, { scenarios: one.scenarios * subsets, interleavings: one.interleavings * subsets }, preemptions, opts.force ?? false, io, 'add --preemptions');
      const report = runAblate(model, variant, preemptions);
      io.out(opts.json ? json(ablateJson(report)) : ablateText(report));
      // Like verify: 0 when some set of fixes holds (the table says which hunks are needed), 1 when none does.
      code = report.ablation.minimalSufficient.length > 0 ? EXIT.ok : EXIT.found;
    });

  modelOptions(program.command('report'))
    .description('the main job: every model\'s buggy race found and shrunk, fixed variant verified, fix hunks ablated; text, HTML and JSON')
    .option('--seed <n>', 'seed of the fast-check hunts', '1')
    .option('--runs <n>', 'fast-check runs per hunt at most', '10000')
    .option('--out <dir>', 'where to write kvmrace-report.html and kvmrace-report.json', 'reports')
    .option('--no-ablation', 'skip verifying every subset of the fixes')
    .option('--only <models>', 'only these models (names joined by commas)')
    .option('--json', 'print the JSON report instead of text')
    .action(async (opts: { seed: string; runs: string; out: string; ablation: boolean; only?: string; json?: boolean }) => {
      const chosen = opts.only !== undefined ? onlyModels(opts.only, findModel) : extra.length ? [...extra] : models();
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
        ...(bar ? { onPhase: (m: string, phase: 'hunt' | 'verify' | 'ablate', i: number, n: number) => bar.update(i * PHASES.length + PHASES.indexOf(phase), n * PHASES.length, `${m}: ${phase}`) } : {}),
      });
      bar?.stop();
      const files = writeReport(report, opts.out, json);
      io.out(opts.json ? json(report) : reportText(report, files));
      code = report.ok ? EXIT.ok : EXIT.found;
    });

  tableOptions(modelOptions(program.command('replay')))
    .description('re-run exactly the schedule of a replay token and print its trace')
    .argument('<token>', 'a token printed by hunt, verify or report (kr1....)')
    .option('--svg <file>', 'also draw the run as a swimlane picture (SVG) into this file')
    .option('--json', 'print JSON')
    .action((token: string, opts: { svg?: string; json?: boolean; width?: string; format?: 'table' | 'commit' }) => {
      const table = tableOf(opts);
      const svg = opts.svg !== undefined ? checkSvgPath(opts.svg) : undefined;
      const r = runReplay(token, models());
      const cx = r.counterexample;
      if (svg !== undefined) writeSwimlane(svg, r.model.name, r.variant, cx);
      io.out(opts.json ? json({ model: r.model.name, variant: r.variant, ...cx }) : replayText(r, table));
      code = cx.outcome.kind === 'ok' ? EXIT.ok : EXIT.found;
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      io.err(`kvmrace: ${oneLine(err.message.replace(/^error: /, ''))}`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.err(`kvmrace: ${oneLine(err.message)}`);
      return EXIT.usage;
    }
    const e = err as Error;
    if (e && (e.name === 'VariantError' || e.name === 'TokenError' || e.name === 'UsageError' || e.name === 'NothingCoveredError')) {
      io.err(`kvmrace: ${oneLine(e.message)}`);
      return EXIT.usage;
    }
    if (e && e.name === 'ModelError') {
      io.err(`kvmrace: model error: ${oneLine(e.message)}`);
      return EXIT.usage;
    }
    io.err(`kvmrace: internal error: ${(e?.message ?? String(err)).split('\n')[0]}`);
    return 3;
  }
}

/** Race tables fill a terminal; elsewhere (a pipe, a file, CI) they take this many columns. */
const DEFAULT_WIDTH = 100;

/** The terminal's width when stdout is one, else DEFAULT_WIDTH. */
function terminalWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? Math.max(40, process.stdout.columns) : DEFAULT_WIDTH;
}

/** A JSON replacer that drops wall-clock fields (`ms`, `msToFind`, ...), the only ones that differ between runs. */
function withoutTiming(key: string, value: unknown): unknown {
  return /^ms([A-Z]|$)/.test(key) ? undefined : value;
}

/** Refuses work estimated too large unless forced; with `--force` it warns and goes on. */
function guardWork(what: string, estimate: WorkEstimate, preemptions: number | undefined, force: boolean, io: Io, hint = 'narrow --threads/--max-ops, add --preemptions'): void {
  const problem = tooMuchWork(estimate, preemptions);
  if (problem === undefined) return;
  if (!force) throw new UsageError(`${what}: bound too large to explore: ${problem}; ${hint}, or pass --force`);
  io.err(`kvmrace: warning: ${what}: ${problem}; exploring anyway (--force)`);
}

/** The models `--only` names, each once; a name given twice is refused. */
function onlyModels(list: string, find: (name: string) => AnyModel): AnyModel[] {
  const names = list.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--only '${list}' has an empty model name (names are joined by single commas)`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--only names model '${twice}' twice`);
  return names.map(find);
}

/** An error message as one line: commander's "(Did you mean ...?)" and the like are joined on. */
function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, ' ');
}

async function huntAll(all: readonly AnyModel[], base: HuntCommand, json: ((value: unknown) => string) | undefined, io: Io, table: RaceTableOptions): Promise<number> {
  const results = [];
  for (const model of all) {
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
