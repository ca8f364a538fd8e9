import type { Counterexample } from '@kvmrace/core';

/** One row of an ablation table: a subset of fixes and whether the protocol holds with it. */
export interface AblationRow {
  readonly fixes: readonly string[];
  readonly verdict: 'holds' | 'violated';
  /** What broke, when violated. */
  readonly outcome?: string;
}

/** Everything the report says about one model. */
export interface ModelReport {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  /** The buggy variant's race, found and shrunk (absent when none was found: a failure of the job). */
  readonly race?: Counterexample;
  /** How the race was found (`fast-check`, `pct`...), runs and time. */
  readonly hunt: { readonly engine: string; readonly runs: number; readonly ms: number };
  /** The fixed variant's verification. */
  readonly verify: {
    readonly verdict: 'holds' | 'violated';
    readonly method: string;
    readonly executions: number;
    readonly ms: number;
    readonly counterexample?: Counterexample;
  };
  /** Catalogue scenarios where the fixed variant is known to break (a hole the real patch leaves), and whether the engine confirmed it. */
  readonly holes: ReadonlyArray<{ readonly scenario: string; readonly why: string; readonly confirmed: boolean; readonly outcome?: string }>;
  /** Every subset of the fix hunks, when computed. */
  readonly ablation?: {
    readonly fixes: readonly string[];
    readonly rows: readonly AblationRow[];
    /** Hunks without which every otherwise-fixed variant breaks. */
    readonly necessary: readonly string[];
    /** What was searched for each subset. */
    readonly bound: string;
  };
  /** True when the buggy variant raced and the fixed one held. */
  readonly ok: boolean;
}

/** The whole report. */
export interface Report {
  readonly version: 1;
  readonly seed: number;
  readonly models: readonly ModelReport[];
  readonly ok: boolean;
}
