import { ModelError } from './faults.js';
import type { Steps } from './step.js';
import type { Thread } from './thread.js';
import type { World } from './world.js';

/** One fix toggle: one hunk of the real patch, or of a posted patch that was never merged. */
export interface FixSpec {
  /**
   * The commit that carries the hunk (12 hex digits, as in a `Fixes:` tag); for a hunk no merged
   * commit carries, the Message-Id of the patch mail (`<...@...>`) or twelve zeros.
   */
  readonly commit: string;
  /** What the hunk changes, in one sentence. */
  readonly summary: string;
  /** False for a hunk that was never merged (a proposal's): it is then left out of `upstream` by default. */
  readonly merged?: boolean;
}

/** A posted series or an alternative fix: a named set of toggles that is not what upstream merged. */
export interface ProposalSpec<F extends string> {
  /** The toggles it turns on. */
  readonly fixes: readonly F[];
  /** Where it comes from: a commit id, a Message-Id, or a lore link. */
  readonly source: string;
  /** What it does, in one line. */
  readonly summary: string;
}

/** One operation: what one actor does once (`refresh`, `deactivate`, `nested_page_fault`). */
export interface OperationSpec<S, F extends string> {
  /** What it does, in one sentence. */
  readonly summary: string;
  /** The kernel function(s) it mirrors. */
  readonly kernel: string;
  /** The thread program: yields one step per shared action (what it returns is ignored, so a kernel function returning an error code serves as it is). */
  run(state: S, t: Thread<F>): Steps<unknown>;
  /** At most this many of it in one scenario (a one-shot ioctl, say). */
  readonly maxPerScenario?: number;
}

/** What an invariant's `holds` returns when it does not hold: made by `violation(message)`. */
export class Violation {
  /** Says what broke. */
  constructor(readonly message: string) {}
}

/**
 * The verdict of an invariant written with `holds`: `return ok ? true : violation('what broke')`.
 * Unlike `check`'s `boolean | string`, an expression such as `a && b || 'msg'` does not type-check
 * here, so a failure cannot turn into a pass by accident.
 */
export function violation(message: string): Violation {
  return new Violation(message);
}

/** What every invariant says of itself. */
interface InvariantBase<S> {
  /** Short id (`I_E1`, `no-lost-update`). */
  readonly name: string;
  /** What it says, in words. */
  readonly description: string;
  /** `always` (default): after every step where `when` holds, and at the end; `end`: only when all threads are done. */
  readonly at?: 'always' | 'end';
  /** Only check while this holds (for example: while `mmu_lock` is free). */
  readonly when?: (state: S) => boolean;
}

/** An invariant as the engine runs it: `check` says true, or false or a sentence saying what broke. */
export interface CheckedInvariant<S> extends InvariantBase<S> {
  /** True when it holds; false, or a sentence saying what broke, when it does not. */
  readonly check: (state: S) => boolean | string;
}

/**
 * A property of the shared state that must hold, written either with `check` (true, or false or
 * a message) or with `holds` (true, or `violation(message)`: the form that cannot mistake a
 * failure for a pass).
 */
export type InvariantSpec<S> =
  | (CheckedInvariant<S> & { readonly holds?: never })
  | (InvariantBase<S> & { readonly holds: (state: S) => true | Violation; readonly check?: never });

/** A named bounded scenario: the operations each thread runs, in order. */
export interface NamedScenario<O extends string = string> {
  /** Short name (`refresh-vs-deactivate`). */
  readonly name: string;
  /** Per thread, its operations in order. */
  readonly threads: readonly (readonly O[])[];
}

/** The space of scenarios a model allows: what generators and explorers may build. */
export interface ScenarioSpace<O extends string> {
  /** Fewest threads a scenario has (default 1). */
  readonly minThreads?: number;
  /** Most threads a scenario has. */
  readonly maxThreads: number;
  /** Most operations in one thread. */
  readonly maxOpsPerThread: number;
  /** Most operations in the whole scenario. */
  readonly maxOps: number;
  /** Hand-written bounded scenarios, smallest first: what `hunt` and `verify` run by default. */
  readonly catalogue: readonly NamedScenario<O>[];
  /** A precondition on whole scenarios beyond the counts (fast-check's `check`). */
  allowed?(threads: readonly (readonly O[])[]): boolean;
}

/** One barrier a model's threads call: what it orders, and the barriers it pairs with. */
export interface BarrierSpec {
  /** What it orders, in the kernel comment's words. */
  readonly summary: string;
  /** The barrier toggles the kernel says it pairs with (`kvm_mmu_invalidate_end:smp_wmb`). */
  readonly pairsWith?: readonly string[];
}

/** A model as its author writes it. */
export interface ModelSpec<S, O extends string, F extends string> {
  /** The name on the command line (`pfncache`). */
  readonly name: string;
  /** One-line title. */
  readonly title: string;
  /** The race in a few sentences. */
  readonly summary: string;
  /** Kernel sources it follows (file@commit or mail subject). */
  readonly sources?: readonly string[];
  /** The fix toggles, one per hunk of the real patch. */
  readonly fixes: { readonly [K in F]: FixSpec };
  /**
   * The hunks as merged: the `upstream` variant, which `verify`, `hunt` and `ablate` check by
   * default and which must hold over the whole catalogue. Default: every fix not marked
   * `merged: false`.
   */
  readonly upstream?: readonly F[];
  /** Posted series and alternative fixes, by name: each holds or races, and the report says which. */
  readonly proposals?: { readonly [name: string]: ProposalSpec<F> };
  /** Other named sets of toggles (one hunk alone, a cell of a matrix), for `--variant`. */
  readonly variants?: { readonly [name: string]: readonly F[] };
  /**
   * The barriers its threads call (`t.smp_rmb('mmu_invalidate_retry')` is the toggle
   * `mmu_invalidate_retry:smp_rmb`), each on unless a run turns it off (`--without-barrier`); the
   * barriers inside core's primitives (a seqcount's) need no entry. They order memory under `tso`
   * and `lkmm` and do nothing under `sc`.
   */
  readonly barriers?: { readonly [name: string]: BarrierSpec };
  /** The operation vocabulary. */
  readonly operations: { readonly [K in O]: OperationSpec<S, F> };
  /** Builds the initial shared state in a fresh world (called once per run). */
  setup(world: World): S;
  /** What must hold. */
  readonly invariants: readonly InvariantSpec<S>[];
  /** The scenarios the model allows and the bounded catalogue. */
  readonly scenarios: ScenarioSpace<O>;
  /** The state in a few words, for the end of a race table. */
  describeState?(state: S): string;
  /** Step budget of one run: past it the run is `bound-reached`, not decided (default 2,000). */
  readonly maxSteps?: number;
}

/** A model checked and ready for the engine. Build it with `defineModel`. */
export interface Model<S = any, O extends string = string, F extends string = string> extends Omit<ModelSpec<S, O, F>, 'invariants'> {
  /** What must hold, every invariant with its `check` (a `holds` invariant's made from it). */
  readonly invariants: readonly CheckedInvariant<S>[];
  /** Marks a value as a kvmrace model (for loaders of users' files). */
  readonly __kvmraceModel: 1;
  /** Operation names, in declaration order. */
  readonly operationNames: readonly O[];
  /** Fix names, in declaration order. */
  readonly fixNames: readonly F[];
  /** The `upstream` variant's fixes, in declaration order. */
  readonly upstreamFixes: readonly F[];
  /** Step budget of one run. */
  readonly stepBudget: number;
}

/** Any model, whatever its state and names (registries, the CLI). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any, string, string>;

const NAME = /^[a-z][a-z0-9-]*$/;

/** The barriers a thread can call, as `t.<kind>(place)`. */
export const BARRIER_KINDS = ['smp_mb', 'smp_rmb', 'smp_wmb', 'smp_mb__before_atomic', 'smp_mb__after_atomic', 'smp_mb__after_spinlock', 'smp_mb__after_srcu_read_unlock'] as const;
const BARRIER_NAME = new RegExp(`^[A-Za-z_][\\w.]*:(${BARRIER_KINDS.join('|')})$`);

/** Variant names the engine gives a meaning of its own. */
export const BUILTIN_VARIANTS = ['buggy', 'none', 'upstream', 'fixed', 'all'] as const;

/** Checks a model's spec and returns the model; throws a one-line error for a malformed one. */
export function defineModel<S, O extends string, F extends string>(spec: ModelSpec<S, O, F>): Model<S, O, F> {
  const where = `model '${spec.name}'`;
  if (typeof spec.name !== 'string' || !NAME.test(spec.name)) throw new TypeError(`model name '${String(spec.name)}' must be lower-case letters, digits and dashes`);
  const operationNames = Object.keys(spec.operations) as O[];
  const fixNames = Object.keys(spec.fixes) as F[];
  if (operationNames.length === 0) throw new TypeError(`${where} has no operations`);
  for (const op of operationNames) {
    if (typeof spec.operations[op].run !== 'function') throw new TypeError(`${where}: operation '${op}' has no run()`);
  }
  const knownFixes = (what: string, fixes: readonly F[]) => {
    for (const f of fixes) if (!fixNames.includes(f)) throw new TypeError(`${where}: ${what} names unknown fix '${f}'`);
    if (new Set(fixes).size !== fixes.length) throw new TypeError(`${where}: ${what} names a fix twice`);
  };
  const named = new Set<string>();
  const claim = (kind: string, name: string) => {
    if ((BUILTIN_VARIANTS as readonly string[]).includes(name)) throw new TypeError(`${where}: ${kind} '${name}' is a built-in variant name (${BUILTIN_VARIANTS.join(', ')})`);
    if (named.has(name)) throw new TypeError(`${where}: two variants or proposals are named '${name}'`);
    if (fixNames.includes(name as F)) throw new TypeError(`${where}: ${kind} '${name}' has the name of a fix`);
    named.add(name);
  };
  for (const [name, proposal] of Object.entries<ProposalSpec<F>>(spec.proposals ?? {})) {
    claim('proposal', name);
    knownFixes(`proposal '${name}'`, proposal.fixes);
    if (!proposal.source || !proposal.summary) throw new TypeError(`${where}: proposal '${name}' needs a source (commit id or Message-Id) and a summary`);
  }
  for (const [name, fixes] of Object.entries<readonly F[]>(spec.variants ?? {})) {
    claim('variant', name);
    knownFixes(`variant '${name}'`, fixes);
  }
  if (spec.upstream) knownFixes('upstream', spec.upstream);
  const upstreamFixes = fixNames.filter((f) => (spec.upstream ? spec.upstream.includes(f) : spec.fixes[f].merged !== false));
  const invariantNames = new Set<string>();
  for (const inv of spec.invariants) {
    // Written for JavaScript models too, where the types promise nothing.
    const given = inv as { check?: unknown; holds?: unknown };
    if (typeof given.check === 'function' && typeof given.holds === 'function') throw new TypeError(`${where}: invariant '${inv.name}' has both check() and holds(); give one`);
    if (typeof given.check !== 'function' && typeof given.holds !== 'function') throw new TypeError(`${where}: invariant '${inv.name}' has no check() or holds()`);
    if (invariantNames.has(inv.name)) throw new TypeError(`${where}: two invariants are named '${inv.name}'`);
    invariantNames.add(inv.name);
  }
  const sc = spec.scenarios;
  if (sc.maxThreads < 1 || sc.maxThreads > 16) throw new TypeError(`${where}: maxThreads must be 1..16`);
  const scenarioNames = new Set<string>();
  for (const s of sc.catalogue) {
    if (scenarioNames.has(s.name)) throw new TypeError(`${where}: two catalogue scenarios are named '${s.name}'`);
    scenarioNames.add(s.name);
    for (const ops of s.threads) {
      for (const op of ops) {
        if (!operationNames.includes(op)) throw new TypeError(`${where}: scenario '${s.name}' names unknown operation '${op}'`);
      }
    }
  }
  for (const name of Object.keys(spec.barriers ?? {})) {
    if (!BARRIER_NAME.test(name)) throw new TypeError(`${where}: barrier '${name}' must be <kernel function>:<barrier> (${BARRIER_KINDS.join(', ')})`);
  }
  const invariants = spec.invariants.map(checkedInvariant);
  return { ...spec, invariants, __kvmraceModel: 1, operationNames, fixNames, upstreamFixes, stepBudget: spec.maxSteps ?? 2000 };
}

/** The invariant with a `check`: its own, or one made from its `holds`. */
function checkedInvariant<S>(inv: InvariantSpec<S>): CheckedInvariant<S> {
  const holds = inv.holds;
  if (holds === undefined) return inv as CheckedInvariant<S>;
  const { holds: _holds, ...rest } = inv;
  return {
    ...rest,
    check: (state: S) => {
      const r = holds(state) as unknown;
      if (r === true) return true;
      if (r instanceof Violation) return r.message;
      throw new ModelError(`invariant '${inv.name}': holds() returned ${r === false ? 'false' : typeof r}: return true, or violation('what broke')`);
    },
  };
}

/** True when the value is a model made by `defineModel`. */
export function isModel(value: unknown): value is AnyModel {
  return typeof value === 'object' && value !== null && (value as { __kvmraceModel?: unknown }).__kvmraceModel === 1;
}
