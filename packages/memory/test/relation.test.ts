import { describe, expect, it } from 'vitest';
import { EventSet, Relation } from '../src/index.js';

// The relation algebra the models are written in, on small relations worked out by hand.

const rel = (n: number, pairs: Array<[number, number]>): Relation => Relation.fromPairs(n, pairs);
const sorted = (r: Relation): Array<[number, number]> => r.pairs().sort((a, b) => a[0] - b[0] || a[1] - b[1]);

describe('Relation', () => {
  const a = rel(4, [[0, 1], [1, 2]]);
  const b = rel(4, [[1, 3], [2, 0]]);

  it('composes, unites, intersects, subtracts and inverts', () => {
    expect(sorted(a.seq(b))).toEqual([[0, 3], [1, 0]]);
    expect(sorted(Relation.seq(a, b, a))).toEqual([[1, 1]]);
    expect(sorted(a.union(b))).toEqual([[0, 1], [1, 2], [1, 3], [2, 0]]);
    expect(sorted(a.union(b).inter(rel(4, [[1, 3], [0, 2]])))).toEqual([[1, 3]]);
    expect(sorted(a.union(b).minus(a))).toEqual([[1, 3], [2, 0]]);
    expect(sorted(a.inverse())).toEqual([[1, 0], [2, 1]]);
  });

  it('takes transitive and reflexive closures', () => {
    expect(sorted(a.plus())).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(sorted(rel(3, [[0, 1]]).star())).toEqual([[0, 0], [0, 1], [1, 1], [2, 2]]);
    expect(sorted(rel(3, [[0, 1]]).opt())).toEqual([[0, 0], [0, 1], [1, 1], [2, 2]]);
    expect(a.union(b).plus().has(0, 0)).toBe(true);
  });

  it('tells acyclic from cyclic and irreflexive from reflexive', () => {
    expect(a.acyclic()).toBe(true);
    expect(a.union(b).acyclic()).toBe(false); // 0→1→2→0
    expect(rel(2, [[1, 1]]).acyclic()).toBe(false);
    expect(a.irreflexive()).toBe(true);
    expect(rel(2, [[1, 1]]).irreflexive()).toBe(false);
    expect(Relation.empty(5).isEmpty()).toBe(true);
    expect(a.isEmpty()).toBe(false);
  });

  it('restricts to sets: [S] ; r, r ; [S], S * T, domain and range', () => {
    const s = EventSet.of(4, [1, 2]);
    expect(sorted(a.fromSet(s))).toEqual([[1, 2]]);
    expect(sorted(a.toSet(s))).toEqual([[0, 1], [1, 2]]);
    expect(sorted(a.restrict(s, s))).toEqual([[1, 2]]);
    expect(sorted(Relation.cross(EventSet.of(4, [0]), s))).toEqual([[0, 1], [0, 2]]);
    expect(sorted(Relation.id(s))).toEqual([[1, 1], [2, 2]]);
    expect(b.domain().toArray()).toEqual([1, 2]);
    expect(b.range().toArray()).toEqual([0, 3]);
    expect(sorted(a.union(b).filter((x, y) => x < y))).toEqual([[0, 1], [1, 2], [1, 3]]);
  });

  it('works past one 32-bit word per row', () => {
    const n = 70;
    const chain = Relation.fromPairs(n, Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as [number, number]));
    const closed = chain.plus();
    expect(closed.has(0, 69)).toBe(true);
    expect(closed.has(69, 0)).toBe(false);
    expect(closed.pairs()).toHaveLength((n * (n - 1)) / 2);
    expect(chain.acyclic()).toBe(true);
    expect(chain.union(rel(n, [[69, 33]])).acyclic()).toBe(false);
    expect(chain.seq(chain).has(40, 42)).toBe(true);
    expect(chain.inverse().has(65, 64)).toBe(true);
  });
});

describe('EventSet', () => {
  it('is a set of events with the usual operations', () => {
    const s = EventSet.of(40, [1, 33, 39]);
    const t = EventSet.of(40, [33, 2]);
    expect(s.has(33)).toBe(true);
    expect(s.has(2)).toBe(false);
    expect(s.union(t).toArray()).toEqual([1, 2, 33, 39]);
    expect(s.inter(t).toArray()).toEqual([33]);
    expect(s.minus(t).toArray()).toEqual([1, 39]);
    expect(s.complement().has(1)).toBe(false);
    expect(s.complement().toArray()).toHaveLength(37);
    expect(new EventSet(40).isEmpty()).toBe(true);
  });
});

// Relations of up to 32 events (one word a row) take their own loops in seq, plus, toSet and
// acyclic: each operation is checked against its definition, pair by pair, on both sides of 32.
describe('Relation, one word a row and more', () => {
  const lcg = (seed: number) => () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const sizes = [1, 5, 31, 32, 33, 40];
  const random = (n: number, density: number, next: () => number): Relation =>
    Relation.where(n, () => next() < density);
  const byDefinition = (n: number, test: (a: number, b: number) => boolean): Relation => Relation.where(n, test);

  it('composes, closes, restricts and tells cycles as the definitions do', () => {
    const next = lcg(7);
    for (const n of sizes) {
      for (let round = 0; round < 6; round++) {
        const a = random(n, 3 / n, next);
        const b = random(n, 3 / n, next);
        const s = EventSet.filter(n, () => next() < 0.6);
        expect(a.seq(b).equals(byDefinition(n, (x, z) => Array.from({ length: n }, (_, y) => y).some((y) => a.has(x, y) && b.has(y, z))))).toBe(true);
        expect(a.toSet(s).equals(byDefinition(n, (x, y) => a.has(x, y) && s.has(y)))).toBe(true);
        expect(a.fromSet(s).equals(byDefinition(n, (x, y) => a.has(x, y) && s.has(x)))).toBe(true);
        // plus: the least transitive relation holding a, by iterating a ∪ a;r to its fixpoint.
        let closure = a;
        for (;;) {
          const wider = closure.union(closure.seq(a));
          if (wider.equals(closure)) break;
          closure = wider;
        }
        expect(a.plus().equals(closure)).toBe(true);
        expect(a.acyclic()).toBe(closure.irreflexive());
        expect(a.inverse().equals(byDefinition(n, (x, y) => a.has(y, x)))).toBe(true);
        expect(a.minus(b).equals(byDefinition(n, (x, y) => a.has(x, y) && !b.has(x, y)))).toBe(true);
        expect(a.inter(b).equals(byDefinition(n, (x, y) => a.has(x, y) && b.has(x, y)))).toBe(true);
        expect(a.withoutIdentity().equals(byDefinition(n, (x, y) => a.has(x, y) && x !== y))).toBe(true);
      }
    }
  });

  it('knows the set of every event, and restricting to it changes nothing', () => {
    for (const n of sizes) {
      const all = EventSet.all(n);
      expect(all.isAll()).toBe(true);
      expect(all.minus(EventSet.of(n, [n - 1])).isAll()).toBe(false);
      const chain = Relation.fromPairs(n, Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as [number, number]));
      expect(chain.restrict(all, all).equals(chain)).toBe(true);
    }
  });
});
