import { exploreWeak } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { pfncache } from '../src/index.js';

// Sleep sets in the weak explorer (core's verify-weak.ts) with SRCU sections, locks and an mmu
// notifier invalidation: the states and distinct execution graphs are those of the search without
// them, in fewer runs; the buggy variant's smallest failure is the same.

const scenario = (name: string) => pfncache.scenarios.catalogue.find((s) => s.name === name)!.threads;

describe('pfncache: sleep sets under lkmm', () => {
  for (const name of ['use-vs-deactivate-activate', 'refresh-vs-invalidate']) {
    it(`upstream, ${name}: same states and graphs in fewer runs`, () => {
      const plain = exploreWeak(pfncache, new Set(pfncache.upstream), scenario(name), { memory: 'lkmm', sleepSets: false });
      const sleeping = exploreWeak(pfncache, new Set(pfncache.upstream), scenario(name), { memory: 'lkmm' });
      expect(plain.failures).toBe(0);
      expect(sleeping.failures).toBe(0);
      expect(sleeping.states).toBe(plain.states);
      expect(sleeping.distinct).toBe(plain.distinct);
      expect(sleeping.executions).toBeLessThan(plain.executions);
    }, 60_000);
  }
  it('buggy, refresh-vs-deactivate: the same smallest failure', () => {
    const plain = exploreWeak(pfncache, new Set(), scenario('refresh-vs-deactivate'), { memory: 'lkmm', sleepSets: false });
    expect(plain.failure?.outcome.invariant).toBe('I_E1');
    expect(exploreWeak(pfncache, new Set(), scenario('refresh-vs-deactivate'), { memory: 'lkmm' }).failure).toEqual(plain.failure);
  });
});
