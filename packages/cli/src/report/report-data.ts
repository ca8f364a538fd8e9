import type { Counterexample } from '@kvmrace/core';
import type { ModelRole } from '../registry.js';
import type { LivenessReportRow } from './liveness-report.js';

/** One row of an ablation table: a subset of fixes and whether the protocol holds with it. */
export interface AblationRow {
  readonly fixes: readonly string[];
  readonly verdict: 'holds' | 'violated';
  /** What broke, when violated. */
  readonly outcome?: string;
}

/** A proposal (a posted series, an alternative fix), verified. */
export interface ProposalReport {
  readonly name: string;
  /** Commit id, Message-Id or link. */
  readonly source: string;
  readonly summary: string;
  readonly fixes: readonly string[];
  /** `holds`, or `races`: a finding, shown with its smallest race. */
  readonly verdict: 'holds' | 'races';
  readonly method: string;
  readonly scenarios: number;
  readonly executions: number;
  readonly ms: number;
  /** The smallest race the search found, when it races. */
  readonly counterexample?: Counterexample;
}

/** One barrier's line of a model's barrier table (the LKMM checks). */
export interface BarrierReportRow {
  readonly barrier: string;
  readonly pairsWith: readonly string[];
  /** Under the LKMM, without this barrier. */
  readonly lkmm: 'needed' | 'not needed';
  /** Under x86-TSO, without this barrier. */
  readonly tso: 'needed' | 'not needed';
  /** When needed under the LKMM: the race that appears without it. */
  readonly race?: Counterexample;
}

/** The model under the Linux-kernel memory model: the upstream variant, the buggy race, each barrier. */
export interface MemoryReport {
  readonly memory: 'lkmm';
  /** The upstream variant with every barrier: holds, or the race a finding. */
  readonly upstream: { readonly verdict: 'holds' | 'violated'; readonly executions: number; readonly consistent: number; readonly distinct: number; readonly counterexample?: Counterexample };
  /** The buggy variant's smallest race under the LKMM, and whether it needs weak memory. */
  readonly buggy?: { readonly race: Counterexample; readonly scAlso: boolean };
  readonly barriers: readonly BarrierReportRow[];
  readonly pairs: ReadonlyArray<{ readonly barriers: readonly [string, string]; readonly lkmm: 'needed' | 'not needed' }>;
  /** What was covered. */
  readonly bound: string;
  readonly ms: number;
}

/** One variant's line in the report. */
export interface VariantRow {
  readonly variant: string;
  readonly role: 'buggy' | 'upstream' | 'proposal' | 'upstream-lkmm' | 'buggy-liveness' | 'upstream-liveness';
  readonly fixes: readonly string[];
  /**
   * What the job expects: a race (buggy), holds (upstream), either (a proposal: its verdict is a
   * finding); for a liveness model, a fair lasso (buggy) or none (upstream: `holds`).
   */
  readonly expected: 'race' | 'holds' | 'either' | 'livelock';
  /** What the engine found (`livelock`, `bound-reached`: the liveness search's verdicts). */
  readonly result: 'race found' | 'no race found' | 'holds' | 'violated' | 'races' | 'livelock' | 'bound-reached';
  readonly asExpected: boolean;
  /** What was covered, in words (runs or scenarios and executions, the bound, the memory model). */
  readonly covered: string;
}

/** Everything the report says about one model. */
export interface ModelReport {
  readonly name: string;
  /** What the job checked: a race (`safety`), or a livelock only (`liveness`: no race hunted, no ablation). */
  readonly role: ModelRole;
  readonly title: string;
  readonly summary: string;
  /** The buggy variant's race, found and shrunk (absent when none was found: a failure of the job). */
  readonly race?: Counterexample;
  /** How the race was found (`fast-check`, `pct`...), runs and time; for a liveness model, the liveness searches. */
  readonly hunt: { readonly engine: string; readonly runs: number; readonly ms: number };
  /** The upstream variant's verification (the fix as merged), over the whole catalogue. */
  readonly verify: {
    readonly verdict: 'holds' | 'violated';
    readonly method: string;
    readonly executions: number;
    readonly ms: number;
    readonly counterexample?: Counterexample;
  };
  /** Each posted proposal of the model, verified over the same catalogue: it holds, or its race is a finding. */
  readonly proposals: readonly ProposalReport[];
  /** One row per variant, in order: buggy (race expected), upstream (must hold), each proposal (holds or races). */
  readonly variants: readonly VariantRow[];
  /** Every subset of the fix hunks, when computed. */
  readonly ablation?: {
    readonly fixes: readonly string[];
    readonly rows: readonly AblationRow[];
    /** Hunks without which every otherwise-fixed variant breaks. */
    readonly necessary: readonly string[];
    /** What was searched for each subset. */
    readonly bound: string;
  };
  /** For a model with barrier toggles: its LKMM checks. */
  readonly memory?: MemoryReport;
  /** For a model with liveness scenarios: each variant's fair-lasso search. */
  readonly liveness?: readonly LivenessReportRow[];
  /**
   * True when the buggy variant raced and the upstream one held (under the LKMM too, when checked),
   * and every liveness row is as expected; for a liveness model, when its buggy variant has a fair
   * lasso, its upstream one none, and the upstream variant holds over the catalogue.
   */
  readonly ok: boolean;
}

/** The whole report. */
export interface Report {
  readonly version: 2;
  readonly seed: number;
  readonly models: readonly ModelReport[];
  readonly ok: boolean;
}
