import { verify } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { invalidateRange } from '../src/index.js';

// Two invalidations of the range in flight at once, each replacing gfn 0's page, then a fault.
// The ghost list of replaced pages must name the page each change overwrote (the pte's value
// under ptl): when it named the page allocated just before the new one, the second change's new
// page counted as replaced, and upstream was "violated" by a fault that mapped the current page
// (`verify --threads 2 --max-ops 4` and `--threads 3 --max-ops 3` found it).

const scenario = [['invalidate'], ['invalidate', 'fault_in_range']];

describe('invalidate-range: concurrent invalidations', () => {
  it('upstream holds: a fault after both invalidations maps the current page', () => {
    const r = verify(invalidateRange, { fixes: invalidateRange.upstreamFixes, scenarios: [scenario] });
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(100);
  });
  it('the buggy variant is still found with two invalidations', () => {
    const r = verify(invalidateRange, { fixes: [], scenarios: [scenario] });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample?.outcome.invariant).toBe('no-stale-spte');
  });
});
