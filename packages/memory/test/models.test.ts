import { describe, expect, it } from 'vitest';
import { checkLitmus, litmusValidation, parseLitmus, type MemoryModelName } from '../src/index.js';
import { CLASSICS } from './classic-tests.js';

// Each model on the classic shapes, against the results the literature gives them (classic-tests.ts
// says where each comes from).

describe.each(['lkmm', 'sc', 'tso'] as const)('%s on the classic shapes', (memory: MemoryModelName) => {
  it.each(CLASSICS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = checkLitmus(parseLitmus(c.text, `${c.name}.litmus`), { memory });
    expect(r.observation, c.source).toBe(c[memory]);
    if (memory === 'lkmm' && c.dataRace !== undefined) expect(r.flags.includes('data-race')).toBe(c.dataRace);
    expect(r.executions.consistent).toBeLessThanOrEqual(r.executions.explored);
    expect(r.positive + r.negative).toBe(r.executions.consistent);
  });
});

describe('the three models against each other', () => {
  it('SC allows no more than TSO, and TSO no more than the LKMM, on every classic shape', () => {
    const rank = { Never: 0, Sometimes: 1, Always: 2 } as const;
    for (const c of CLASSICS) {
      if (c.lkmm === 'Always') continue;
      const states = (m: MemoryModelName) => new Set(checkLitmus(parseLitmus(c.text), { memory: m }).states.map((s) => JSON.stringify(s)));
      const [sc, tso, lkmm] = [states('sc'), states('tso'), states('lkmm')];
      for (const s of sc) expect(tso.has(s), `${c.name}: ${s} under sc but not tso`).toBe(true);
      // The LKMM is weaker than x86-TSO except where the kernel's x86 mapping adds fences (relaxed RMWs are locked).
      if (c.name !== 'SB+xchg_relaxeds') for (const s of tso) expect(lkmm.has(s), `${c.name}: ${s} under tso but not lkmm`).toBe(true);
      expect(rank[c.sc]).toBeLessThanOrEqual(rank[c.tso]);
    }
  });
});

describe('results as herd7 reports them', () => {
  const SB = CLASSICS.find((c) => c.name === 'SB')!.text;

  it('lists the final states sorted, with Positive/Negative and Ok/No', () => {
    // herd7 7.58 (LKMM) on this SB: States 4, Positive: 1 Negative: 3, Ok.
    const r = checkLitmus(parseLitmus(SB), { memory: 'lkmm' });
    expect(r.states).toEqual([
      { '0:r0': '0', '1:r0': '0' },
      { '0:r0': '0', '1:r0': '1' },
      { '0:r0': '1', '1:r0': '0' },
      { '0:r0': '1', '1:r0': '1' },
    ]);
    expect([r.positive, r.negative]).toEqual([1, 3]);
    expect(litmusValidation(r)).toBe('Ok');
    expect(r.condition).toBe('exists (0:r0=0 /\\ 1:r0=0)');
    const sc = checkLitmus(parseLitmus(SB), { memory: 'sc' });
    expect(sc.states).toHaveLength(3);
    expect(litmusValidation(sc)).toBe('No');
  });

  it('counts ~exists the other way round, as herd does', () => {
    // herd7: `~exists` reports Positive = executions where the proposition fails.
    const r = checkLitmus(parseLitmus(SB.replace('exists', '~exists')), { memory: 'sc' });
    expect([r.positive, r.negative]).toEqual([3, 0]);
    expect(r.observation).toBe('Never');
    expect(litmusValidation(r)).toBe('Ok');
    const lk = checkLitmus(parseLitmus(SB.replace('exists', '~exists')), { memory: 'lkmm' });
    expect(litmusValidation(lk)).toBe('No');
  });

  it('keeps only the executions the filter lets through, flags included', () => {
    // herd7 7.58: without the filter, Positive 1 Negative 2 and Flag data-race; with
    // `filter (0:r0=0)`, Positive 1 Negative 0 and no flag (the race needs r0=1).
    const text = `C filtered
{}
P0(int *x, int *y)
{
	int r0;
	r0 = READ_ONCE(*y);
	if (r0 == 1) {
		*x = 1;
	}
}
P1(int *x, int *y)
{
	*x = 2;
	WRITE_ONCE(*y, 1);
}
filter (0:r0=0)
exists (0:r0=0)
`;
    const filtered = checkLitmus(parseLitmus(text), { memory: 'lkmm' });
    expect([filtered.positive, filtered.negative, filtered.flags]).toEqual([1, 0, []]);
    const all = checkLitmus(parseLitmus(text.replace('filter (0:r0=0)\n', '')), { memory: 'lkmm' });
    expect([all.positive, all.negative, all.flags]).toEqual([1, 2, ['data-race']]);
  });

  it('prints pointers by the name of what they point to, and registers no thread sets as 0', () => {
    // herd7 7.58: States 2: `0:r0=x; 1:r0=2; 1:r5=0; [x]=0; [y]=2;` and the same with 0:r0=y.
    const text = `C pointers
{
	int *p = &x;
	y = 2;
}
P0(int *x, int *y, int **p)
{
	int *r0;
	int r1;
	r0 = READ_ONCE(*p);
	r1 = READ_ONCE(*r0);
}
P1(int *x, int *y, int **p)
{
	int r0;
	int r5;
	WRITE_ONCE(*p, y);
	r0 = READ_ONCE(*y);
}
locations [y; 1:r5; x]
~exists (1:r0=x /\\ 0:r0=2)
`;
    const r = checkLitmus(parseLitmus(text), { memory: 'lkmm' });
    expect(r.states).toEqual([
      { '0:r0': 'x', '1:r0': '2', '1:r5': '0', x: '0', y: '2' },
      { '0:r0': 'y', '1:r0': '2', '1:r5': '0', x: '0', y: '2' },
    ]);
    expect([r.positive, r.negative]).toEqual([2, 0]);
  });

  it('counts every coherence order and SRCU reads-from, as herd does', () => {
    // herd7 7.58: Positive: 8 (two orders of x, four SRCU rf/co combinations).
    const text = `C counts
{}
P0(int *x, int *y)
{
	WRITE_ONCE(*x, 1);
}
P1(int *x, struct srcu_struct *s)
{
	int r0;
	WRITE_ONCE(*x, 2);
	r0 = srcu_read_lock(s);
	srcu_read_unlock(s, r0);
}
P2(struct srcu_struct *s)
{
	int r0;
	r0 = srcu_read_lock(s);
	srcu_read_unlock(s, r0);
}
exists (y=0)
`;
    for (const memory of ['lkmm', 'sc', 'tso'] as const) {
      const r = checkLitmus(parseLitmus(text), { memory });
      expect([r.positive, r.negative, r.observation]).toEqual([8, 0, 'Always']);
    }
  });

  it('orders critical sections and lets a trylock fail or succeed', () => {
    // herd7 7.58: Positive: 3 Negative: 3 (two orders of the sections; the trylock succeeds after
    // both, or fails reading either lock's write).
    const text = `C trylock
{}
P0(spinlock_t *s, int *x)
{
	spin_lock(s);
	WRITE_ONCE(*x, 1);
	spin_unlock(s);
}
P1(spinlock_t *s, int *x)
{
	int r0;
	spin_lock(s);
	r0 = READ_ONCE(*x);
	spin_unlock(s);
}
P2(spinlock_t *s, int *x)
{
	int r1;
	r1 = spin_trylock(s);
}
exists (1:r0=0)
`;
    const r = checkLitmus(parseLitmus(text), { memory: 'lkmm' });
    expect([r.positive, r.negative]).toEqual([3, 3]);
    expect(r.states).toEqual([{ '1:r0': '0' }, { '1:r0': '1' }]);
  });

  it('gives a failed cmpxchg no ordering under the LKMM, a full fence under TSO', () => {
    // herd7 7.58 (LKMM): 0:r0=2 with 0:r1=0 is reachable: the failed cmpxchg orders nothing.
    const text = `C failed-cmpxchg
{}
P0(int *x, int *y)
{
	int r0;
	int r1;
	r0 = cmpxchg(x, 0, 1);
	r1 = READ_ONCE(*y);
}
P1(int *x, int *y)
{
	WRITE_ONCE(*y, 1);
	smp_mb();
	WRITE_ONCE(*x, 2);
}
exists (0:r0=2 /\\ 0:r1=0)
`;
    expect(checkLitmus(parseLitmus(text), { memory: 'lkmm' }).observation).toBe('Sometimes');
    // x86: a failed lock cmpxchg still orders; the load of y cannot pass it.
    expect(checkLitmus(parseLitmus(text), { memory: 'tso' }).observation).toBe('Never');
    expect(checkLitmus(parseLitmus(text), { memory: 'sc' }).observation).toBe('Never');
  });

  it('reports mixed-accesses like herd', () => {
    // herd7 7.58: Flag data-race, Flag mixed-accesses, Observation Sometimes 3 1.
    const text = `C mixed
{}
P0(int *x)
{
	int r0;
	*x = 1;
	r0 = READ_ONCE(*x);
}
P1(int *x)
{
	int r1;
	WRITE_ONCE(*x, 2);
	smp_mb();
	r1 = *x;
}
exists (0:r0=1)
`;
    const r = checkLitmus(parseLitmus(text), { memory: 'lkmm' });
    expect(r.flags).toEqual(['data-race', 'mixed-accesses']);
    expect([r.positive, r.negative]).toEqual([3, 1]);
  });
});
