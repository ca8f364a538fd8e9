import { Option } from 'commander';
import { availableParallelism } from 'node:os';
import { EXIT, UsageError } from '../errors.js';
import { checkLitmusPath, writeLitmus } from '../litmus-output.js';
import { parseWhole } from '../options.js';
import type { CommandModule } from '../program/command-module.js';
import { guardWork } from '../program/guard-work.js';
import { barriersOff, refuseUnderWeakMemory, tableOf, VARIANT_HELP, withJson, withMemory, withModelFile, withTableOptions, type MemoryFlags, type TableFlags } from '../program/shared-options.js';
import { runVerifyMemory, verifyMemoryJson, verifyMemoryText } from './verify-memory.js';
import { progressBar } from '../progress.js';
import { DEFAULT_MAX_TIME_S, estimateWork, formatCost, tooLong, verifyCost, willProbe, WORK_LIMITS } from './estimate.js';
import { hasPossibleDeadlock } from './lock-order-output.js';
import { parseShard, runVerify, verifyJob, verifyJson, verifyText, type VerifyCommand } from './verify.js';
import { keepEarly, startEarly } from '../verify-pool/run-pieces.js';
import { livenessHolds, livenessJson, livenessText, runLiveness } from './verify-liveness.js';

interface VerifyFlags extends TableFlags, MemoryFlags {
  readonly variant: string;
  readonly threads?: string;
  readonly maxOps?: string;
  readonly preemptions?: string;
  readonly minimal?: boolean;
  readonly shard?: string;
  readonly workers?: string;
  readonly engine: 'auto' | 'dpor' | 'stateful';
  readonly force?: boolean;
  readonly maxTime?: string;
  readonly lockOrder?: boolean;
  readonly liveness?: boolean;
  readonly fairness?: 'strong' | 'weak';
  readonly json?: boolean;
  readonly litmus?: string;
}

/** `kvmrace verify`: every interleaving of every scenario within the bound. */
export const verifyCommand: CommandModule = {
  name: 'verify',
  register(program, ctx) {
    withJson(withMemory(withTableOptions(withModelFile(program.command('verify')))))
      .description('explore every interleaving of every scenario (DPOR); exit 0 when the invariants hold, 1 with a counterexample')
      .argument('[model]', 'model name (see kvmrace list)')
      .option('--variant <variant>', VARIANT_HELP, 'upstream')
      .option('--threads <n>', 'verify every scenario with up to n threads (default: the catalogue)')
      .option('--max-ops <n>', 'verify every scenario with up to n operations (default: the catalogue)')
      .option('--preemptions <k>', 'only schedules with at most k preemptions (bounded DFS, no DPOR)')
      .option('--minimal', 'report the smallest counterexample (threads, operations, preemptions, steps)')
      .option('--shard <i/n>', 'only the i-th of n deterministic parts of the work (merge the JSON results)')
      .addOption(new Option('--engine <name>', 'exhaustive engine: auto (stateful search for models with invariants checked after every step, else DPOR), dpor, or stateful').choices(['auto', 'dpor', 'stateful']).default('auto'))
      .option('--workers <n>', `worker threads sharing the search (default: the core count, ${availableParallelism()} here)`)
      .option('--lock-order', 'also record, across every execution explored, the locks held when each lock is taken, and report a cycle in that order as a possible deadlock (exit 1), as lockdep does')
      .option('--liveness', "instead: search the model's liveness scenarios (endless threads) for livelocks, fair runs in which a thread never completes its operation, shown as a stem and a cycle (exit 1 unless every scenario holds)")
      .addOption(new Option('--fairness <kind>', 'with --liveness: strong (default: a thread enabled again and again runs again and again) or weak (only one enabled at every state of the cycle)').choices(['strong', 'weak']).default('strong'))
      .option('--force', 'explore even a bound estimated too large to finish')
      .option('--max-time <seconds>', `refuse (without --force) a search estimated to take longer, probing the real search first (default ${DEFAULT_MAX_TIME_S})`)
      .option('--litmus <file>', 'with --memory tso or lkmm: write the counterexample as a C litmus test that herd7 can run')
      .action(async (name: string | undefined, opts: VerifyFlags) => {
        const io = ctx.io;
        const table = tableOf(opts);
        const model = ctx.findModel(name);
        if (opts.liveness) {
          const report = runLiveness(model, opts.variant, opts.fairness ?? 'strong');
          io.out(opts.json ? ctx.json(livenessJson(report)) : livenessText(report, table.width));
          ctx.code = livenessHolds(report) ? EXIT.ok : EXIT.found;
          return;
        }
        const without = barriersOff(model, opts);
        if (opts.litmus !== undefined && opts.memory === 'sc') throw new UsageError('--litmus needs --memory tso or lkmm: a race under sc has no weak edge to write');
        const litmus = opts.litmus !== undefined ? checkLitmusPath(opts.litmus) : undefined;
        if (opts.memory !== 'sc') {
          refuseUnderWeakMemory(opts.memory, { '--preemptions': opts.preemptions, '--shard': opts.shard, '--workers': opts.workers, '--lock-order': opts.lockOrder, '--engine': opts.engine === 'auto' ? undefined : opts.engine });
          const bar = progressBar(`verify ${model.name} (${opts.memory})`, { json: opts.json ?? false, interactive: io.interactive });
          const report = runVerifyMemory(model, {
            variant: opts.variant,
            memory: opts.memory,
            withoutBarriers: without,
            minimal: opts.minimal ?? false,
            ...(opts.threads !== undefined ? { threads: parseWhole('--threads', opts.threads, 1, 16) } : {}),
            ...(opts.maxOps !== undefined ? { maxOps: parseWhole('--max-ops', opts.maxOps, 1, 64) } : {}),
          }, bar ? (done, total) => bar.update(done, total, 'scenarios') : undefined);
          bar?.stop();
          const cx = report.result.counterexample;
          if (litmus !== undefined && cx) writeLitmus(litmus, cx);
          io.out(opts.json ? ctx.json(verifyMemoryJson(report)) : verifyMemoryText(report, table) + (litmus !== undefined && cx ? `\nlitmus test written to ${litmus}` : ''));
          ctx.code = report.result.verdict === 'holds' ? EXIT.ok : EXIT.found;
          return;
        }
        const workers = opts.workers !== undefined ? parseWhole('--workers', opts.workers, 1, 256) : availableParallelism();
        const cmd: VerifyCommand = {
          variant: opts.variant,
          minimal: opts.minimal ?? false,
          engine: opts.engine,
          ...(opts.lockOrder ? { lockOrder: true } : {}),
          ...(opts.threads !== undefined ? { threads: parseWhole('--threads', opts.threads, 1, 16) } : {}),
          ...(opts.maxOps !== undefined ? { maxOps: parseWhole('--max-ops', opts.maxOps, 1, 64) } : {}),
          ...(opts.preemptions !== undefined ? { preemptions: parseWhole('--preemptions', opts.preemptions, 0, 1000) } : {}),
          ...(opts.shard !== undefined ? { shard: parseShard(opts.shard) } : {}),
        };
        const generated = cmd.threads !== undefined || cmd.maxOps !== undefined;
        const job = verifyJob(model, cmd);
        const whole = estimateWork(model, job.fixes, cmd, generated ? undefined : model.scenarios.catalogue.map((s) => s.threads));
        // A shard does about its share of the work.
        const share = cmd.shard ? 1 / cmd.shard.count : 1;
        // Too many scenarios to list is refused at once; otherwise what counts is the time the real search will take.
        if (whole.scenarios * share > WORK_LIMITS.scenarios) guardWork(`verify ${model.name}`, { scenarios: Math.ceil(whole.scenarios * share), interleavings: whole.interleavings * share }, cmd.preemptions, opts.force ?? false, io);
        const file = ctx.extra.includes(model) ? ctx.modelFiles.get(model) : undefined;
        const source = { model, ...(file !== undefined ? { file } : {}), ...(ctx.guard ? { watchdog: ctx.guard.watchdog } : {}) };
        // A search large enough to be estimated may be long enough for workers: those that share
        // it by work stealing start now and search while this thread probes (fed between probes),
        // so the estimate costs them no time; they are stopped if it turns out short (`keepEarly`).
        let early = willProbe(whole, share) ? startEarly(source, job, cmd.shard, workers) : undefined;
        const feed = early?.stealing;
        let cost: ReturnType<typeof verifyCost>;
        try {
          cost = verifyCost(model, job.fixes, cmd, whole, share, feed ? () => feed.poll() : undefined);
          const maxTime = opts.maxTime !== undefined ? parseWhole('--max-time', opts.maxTime, 1, 1e7) : DEFAULT_MAX_TIME_S;
          const long = tooLong(cost, maxTime);
          if (long !== undefined && !opts.force) throw new UsageError(`verify ${model.name}: ${long}; narrow --threads/--max-ops, add --preemptions, raise --max-time, or pass --force`);
          if (long !== undefined) io.err(`kvmrace: warning: verify ${model.name}: ${long}; exploring anyway (--force)`);
          else if (cost && !cost.failed && cost.ms > 5000 && !opts.json) io.err(`kvmrace: verify ${model.name}: estimated ${formatCost(cost)}`);
        } catch (err) {
          early?.stealing.abort();
          throw err;
        }
        if (early && !keepEarly(cost)) {
          early.stealing.abort();
          early = undefined;
        }
        const bar = progressBar(`verify ${model.name}`, { json: opts.json ?? false, interactive: io.interactive });
        // The bar's total (and so its ETA) is the estimated executions when there is an estimate.
        const estimated = cost ? Math.max(1, Math.round(cost.executions)) : 0;
        const report = await runVerify(source, cmd, workers, bar ? (done, total, executions) => (estimated > 0 ? bar.update(Math.min(executions, estimated), Math.max(estimated, executions), 'executions (estimated total)') : bar.update(done, total, 'units')) : undefined, cost && !cost.failed ? cost.ms : 0, early);
        bar?.stop();
        io.out(opts.json ? ctx.json(verifyJson(report)) : verifyText(report, table));
        ctx.code = report.result.verdict === 'holds' && !hasPossibleDeadlock(report.result.lockOrder) ? EXIT.ok : EXIT.found;
      });
  },
};
