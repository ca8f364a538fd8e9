import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { pfncache } from '../src/index.js';
import { BLIND as blind, blindHolds, OOPS_SCENARIO as scenario } from './fixed-checks.js';

// The crash of the seed: "All it takes is a subsequent reactivation". I_E1 breaks first in every
// run that reaches it, so the invariants are switched off here to see what a kernel without them
// would do: a reader whose refresh raced with deactivate, while activate put the cache back,
// passes kvm_gpc_check() and dereferences the khva that deactivate unmapped; or activate's
// KVM_BUG_ON(gpc->valid) sees the valid, inactive cache first.

describe('the oops behind the invariants', () => {
  it('buggy: with the invariants off, the reader oopses on the unmapped khva (or KVM_BUG_ON fires)', () => {
    const kinds: string[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const r = hunt(blind, { fixes: [], seed, runs: 20_000, strategy: 'random', scenarios: [scenario] });
      expect(r.found, `seed ${seed}`).toBe(true);
      const outcome = r.counterexample?.outcome;
      if (outcome?.kind === 'oops') expect(outcome.message).toMatch(/dereferenced gpc->khva=K, which is not mapped/);
      else expect(outcome?.message).toMatch(/KVM_BUG_ON\(gpc->valid\)/);
      kinds.push(outcome?.kind ?? 'ok');
    }
    expect(kinds).toContain('oops');
  });

  it('fixed: with the invariants off, no reader oopses and KVM_BUG_ON never fires', () => {
    blindHolds.run(pfncache.fixNames);
  });
});
