import { livenessSearch, resolveVariant, type AnyModel } from '@kvmrace/core';
import { changePte } from '@kvmrace/change-pte';
import { hptResize } from '@kvmrace/hpt-resize';
import { memslotGen } from '@kvmrace/memslot-gen';
import { pfncache } from '@kvmrace/pfncache';
import { radixNested } from '@kvmrace/radix-nested';
import { vcpuRequests } from '@kvmrace/vcpu-requests';
import { describe, expect, it } from 'vitest';

/** Each KVM model's invalidator (the thread that changes mappings under the others), run for ever. */
const INVALIDATORS: ReadonlyArray<[AnyModel, string]> = [
  [radixNested, 'test_clear_dirty'],
  [hptResize, 'resize_commit'],
  [changePte, 'invalidate_range'],
  [changePte, 'ksm_replace_page'],
  [memslotGen, 'set_memory_region'],
  [pfncache, 'invalidate'],
];

describe('no livelock on an upstream variant with an endless invalidator (issue 22)', () => {
  for (const [model, invalidator] of INVALIDATORS) {
    it(`${model.name}: every other operation against ${invalidator} for ever`, () => {
      const fixes = new Set(resolveVariant(model, 'upstream').fixes);
      const others = model.operationNames.filter((op) => op !== invalidator);
      const verdicts: string[] = [];
      for (const op of others) {
        const r = livenessSearch(model, fixes, [[op], [invalidator]], { endless: [1], maxStates: 3000 });
        verdicts.push(`${op}: ${r.verdict}`);
        expect(r.verdict, `${op} vs ${invalidator} for ever: ${r.lasso?.message ?? r.failure?.outcome.message ?? ''}`).not.toBe('livelock');
        expect(r.states).toBeGreaterThan(1);
      }
      expect(verdicts).toHaveLength(others.length);
    });
  }
});

describe('no livelock on vcpu-requests upstream with a requester that never stops (issue 22)', () => {
  it('vcpu_run against make_request_and_kick for ever: decided, and it holds', () => {
    const fixes = new Set(resolveVariant(vcpuRequests, 'upstream').fixes);
    const r = livenessSearch(vcpuRequests, fixes, [['vcpu_run'], ['make_request_and_kick']], { endless: [1], maxStates: 40_000 });
    expect(r.verdict, r.lasso?.message ?? r.failure?.outcome.message ?? '').toBe('holds');
    expect(r.states).toBeGreaterThan(1000);
  });
});
