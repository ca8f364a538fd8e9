import { describe, expect, it } from 'vitest';
import {
  decodeToken, defineModel, formatScenario, isModel, makeStep, resolveVariant, scenarioProblem, scenarioSize, stepsConflict, VariantError, World,
  type AnyModel, type Steps,
} from '../src/index.js';
import { lostUpdate } from './fixtures/lost-update.js';

// Mutation-testing tests (issue #11): the model, scenario, variant and token checks, and the small
// public helpers, at their boundaries.

function* nothing(): Steps {}

/** A valid spec to break one field of at a time. */
function spec(over: Record<string, unknown> = {}) {
  return {
    name: 'm',
    title: 't',
    summary: 's',
    fixes: { a: { commit: '0', summary: 'a' }, b: { commit: '0', summary: 'b' }, c: { commit: '0', summary: 'c' } },
    operations: { op: { summary: 'o', kernel: 'k', run: nothing }, other: { summary: 'o', kernel: 'k', run: nothing } },
    setup: () => ({}),
    invariants: [],
    scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'one', threads: [['op'], ['other']] }] },
    ...over,
  } as unknown as Parameters<typeof defineModel>[0];
}

describe('defineModel', () => {
  it('accepts lower-case names with digits and dashes, and nothing else', () => {
    for (const name of ['m', 'a-1', 'pfncache', 'x9-y']) expect(defineModel(spec({ name })).name).toBe(name);
    for (const name of ['', 'Bad', 'aB', '1abc', '-a', 'a_b', 'a b', 'ab!', ' ab']) {
      expect(() => defineModel(spec({ name })), name).toThrow(`model name '${name}' must be lower-case letters, digits and dashes`);
    }
  });

  it('fills in the names in declaration order, the marker and the step budget', () => {
    const m = defineModel(spec());
    expect(m.operationNames).toEqual(['op', 'other']);
    expect(m.fixNames).toEqual(['a', 'b', 'c']);
    expect(m.__kvmraceModel).toBe(1);
    expect(m.stepBudget).toBe(2000);
    expect(defineModel(spec({ maxSteps: 7 })).stepBudget).toBe(7);
    expect(isModel(m)).toBe(true);
  });

  it('refuses a model without operations, or an operation without run()', () => {
    expect(() => defineModel(spec({ operations: {} }))).toThrow("model 'm' has no operations");
    expect(() => defineModel(spec({ operations: { op: { summary: 'o', kernel: 'k' } } }))).toThrow("model 'm': operation 'op' has no run()");
    expect(() => defineModel(spec({ operations: { op: { summary: 'o', kernel: 'k', run: 'no' } } }))).toThrow(/has no run\(\)/);
  });

  it('refuses variants that shadow buggy/fixed or name unknown fixes', () => {
    expect(() => defineModel(spec({ variants: { buggy: [] } }))).toThrow("model 'm': variant 'buggy' is a built-in variant name");
    expect(() => defineModel(spec({ variants: { fixed: ['a'] } }))).toThrow("variant 'fixed' is a built-in variant name");
    expect(() => defineModel(spec({ variants: { upstream: ['a'] } }))).toThrow("variant 'upstream' is a built-in variant name");
    expect(() => defineModel(spec({ variants: { a: ['b'] } }))).toThrow("variant 'a' has the name of a fix");
    expect(() => defineModel(spec({ variants: { x: ['a', 'a'] } }))).toThrow("variant 'x' names a fix twice");
    expect(() => defineModel(spec({ variants: { half: ['a', 'zz'] } }))).toThrow("model 'm': variant 'half' names unknown fix 'zz'");
    expect(defineModel(spec({ variants: { half: ['a', 'c'] } })).variants).toEqual({ half: ['a', 'c'] });
  });

  it('bounds maxThreads to 1..16 and checks the catalogue against the operations', () => {
    for (const maxThreads of [0, 17, -1]) expect(() => defineModel(spec({ scenarios: { ...spec().scenarios, maxThreads } }))).toThrow("model 'm': maxThreads must be 1..16");
    for (const maxThreads of [1, 16]) expect(defineModel(spec({ scenarios: { ...spec().scenarios, maxThreads } })).scenarios.maxThreads).toBe(maxThreads);
    const catalogue = [{ name: 'ok', threads: [['op']] }, { name: 'bad', threads: [['op'], ['other', 'nope']] }];
    expect(() => defineModel(spec({ scenarios: { ...spec().scenarios, catalogue } }))).toThrow("model 'm': scenario 'bad' names unknown operation 'nope'");
  });
});

describe('isModel', () => {
  it('is true only for what defineModel made', () => {
    expect(isModel(lostUpdate)).toBe(true);
    expect(isModel({ __kvmraceModel: 1 })).toBe(true);
    for (const v of [null, undefined, 1, 'model', {}, { __kvmraceModel: '1' }, { __kvmraceModel: 2 }, () => 1]) expect(isModel(v), String(v)).toBe(false);
  });
});

describe('scenarios', () => {
  it('size and one-line form', () => {
    expect(scenarioSize([['a', 'b'], [], ['c']])).toEqual({ threads: 3, operations: 3 });
    expect(scenarioSize([])).toEqual({ threads: 0, operations: 0 });
    expect(formatScenario([['refresh'], ['deactivate', 'activate']])).toBe('[refresh] | [deactivate, activate]');
    expect(formatScenario([[]])).toBe('[]');
  });

  it('scenarioProblem names what is wrong, and null when nothing is', () => {
    const m = lostUpdate as AnyModel;
    expect(scenarioProblem(m, [['increment'], ['increment', 'increment']])).toBeNull();
    expect(scenarioProblem(m, [[]])).toBeNull();
    expect(scenarioProblem(m, [])).toBe('a scenario needs at least one thread');
    expect(scenarioProblem(m, 'increment' as never)).toBe('a scenario needs at least one thread');
    expect(scenarioProblem(m, Array.from({ length: 16 }, () => ['increment']))).toBeNull();
    expect(scenarioProblem(m, Array.from({ length: 17 }, () => ['increment']))).toBe('a scenario has at most 16 threads, not 17');
    expect(scenarioProblem(m, [['increment'], 'increment' as never])).toBe('each thread of a scenario is a list of operations');
    expect(scenarioProblem(m, [['increment', 'decrement']])).toBe("unknown operation 'decrement' for model 'lost-update' (operations: increment)");
    expect(scenarioProblem(m, [[3 as never]])).toBe("unknown operation '3' for model 'lost-update' (operations: increment)");
    expect(scenarioProblem(m, [['toString']])).toMatch(/unknown operation 'toString'/);
    const two = defineModel(spec());
    expect(scenarioProblem(two, [['x']])).toBe("unknown operation 'x' for model 'm' (operations: op, other)");
  });
});

describe('variants', () => {
  const m = defineModel(spec({ variants: { late: ['c', 'a'] } }));

  it('buggy, fixed and their aliases', () => {
    for (const s of ['buggy', 'none', ' buggy ']) expect(resolveVariant(m, s)).toEqual({ name: 'buggy', fixes: [], role: 'buggy' });
    for (const s of ['fixed', 'upstream']) expect(resolveVariant(m, s)).toEqual({ name: 'upstream', fixes: ['a', 'b', 'c'], role: 'upstream' });
    expect(resolveVariant(m, 'all')).toEqual({ name: 'all', fixes: ['a', 'b', 'c'], role: 'all' });
    for (const s of ['', '  ']) expect(() => resolveVariant(m, s)).toThrow("empty variant for model 'm'");
  });

  it('a named variant keeps its name, with its fixes in declaration order', () => {
    expect(resolveVariant(m, 'late')).toEqual({ name: 'late', fixes: ['a', 'c'], role: 'named' });
  });

  it('a comma list is named canonically, in declaration order', () => {
    // c,a is the named variant `late`: a set of fixes takes the name it has.
    expect(resolveVariant(m, ' c , a ')).toEqual({ name: 'late', fixes: ['a', 'c'], role: 'custom' });
    expect(resolveVariant(m, 'b,a')).toEqual({ name: 'a,b', fixes: ['a', 'b'], role: 'custom' });
    expect(resolveVariant(m, 'b')).toEqual({ name: 'b', fixes: ['b'], role: 'custom' });
    expect(resolveVariant(m, 'c,b,a')).toEqual({ name: 'upstream', fixes: ['a', 'b', 'c'], role: 'custom' });
    expect(() => resolveVariant(m, ',,')).toThrow('has an empty fix name');
    expect(() => resolveVariant(m, 'a,,b')).toThrow('has an empty fix name');
    expect(() => resolveVariant(m, 'a,a')).toThrow("names fix 'a' twice");
    expect(() => resolveVariant(m, 'late,a')).toThrow("'late' is a variant, not a fix");
  });

  it('an unknown fix is refused with the known ones', () => {
    expect(() => resolveVariant(m, 'a,zz')).toThrow(VariantError);
    expect(() => resolveVariant(m, 'a,zz')).toThrow("unknown fix 'zz' for model 'm' (variants: buggy, upstream, all, late; fixes: a, b, c)");
    const bare = defineModel(spec({ fixes: {} }));
    expect(() => resolveVariant(bare, 'x')).toThrow("unknown fix 'x' for model 'm' (variants: buggy, upstream, all; fixes: none)");
    try {
      resolveVariant(m, 'q');
    } catch (err) {
      expect((err as Error).name).toBe('VariantError');
    }
  });
});

describe('tokens at their limits', () => {
  const check = (p: string) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 0x01000193) >>> 0;
    return h.toString(36);
  };
  const token = (obj: unknown) => {
    const p = Buffer.from(JSON.stringify(obj), 'utf8').toString('base64url');
    return `kr1.${p}.${check(p)}`;
  };
  const ok = { m: 'x', f: ['a'], s: [['a'], ['b']], r: [0, 2, 1, 1], e: 'pct' };

  it('reads a valid one', () => {
    expect(decodeToken(token(ok))).toEqual({ model: 'x', fixes: ['a'], scenario: [['a'], ['b']], schedule: [0, 0, 1], engine: 'pct' });
    expect(decodeToken(token({ ...ok, e: 5 })).engine).toBe('unknown');
    expect(decodeToken(token({ ...ok, r: [] })).schedule).toEqual([]);
  });

  it('checks each field', () => {
    expect(() => decodeToken(token({ ...ok, m: 5 }))).toThrow('replay token has no model name');
    expect(() => decodeToken(token({ ...ok, m: undefined }))).toThrow('replay token has no model name');
    expect(() => decodeToken(token({ ...ok, f: 'a' }))).toThrow('replay token fixes are malformed');
    expect(() => decodeToken(token({ ...ok, f: ['a', 2] }))).toThrow('replay token fixes are malformed');
    expect(() => decodeToken(token({ ...ok, s: 'a' }))).toThrow('replay token scenario is malformed');
    expect(() => decodeToken(token({ ...ok, s: ['a'] }))).toThrow('replay token scenario is malformed');
    expect(() => decodeToken(token({ ...ok, s: [['a'], ['b', 2]] }))).toThrow('replay token scenario is malformed');
    expect(decodeToken(token({ ...ok, s: Array.from({ length: 16 }, () => ['a']) })).scenario).toHaveLength(16);
    expect(() => decodeToken(token({ ...ok, s: Array.from({ length: 17 }, () => ['a']) }))).toThrow('replay token scenario is malformed');
    expect(() => decodeToken(token({ ...ok, r: 'abc' }))).toThrow('replay token schedule is malformed');
    expect(() => decodeToken(token({ ...ok, r: [0, 1, 1] }))).toThrow('replay token schedule is malformed');
    expect(() => decodeToken(token({ ...ok, r: [0, 1.5] }))).toThrow('replay token schedule is malformed');
    expect(() => decodeToken(token({ ...ok, r: [1, 1, 2, 1] }))).toThrow('replay token schedule names a thread the scenario does not have');
    expect(decodeToken(token({ ...ok, r: [1, 1] })).schedule).toEqual([1]);
  });

  it('refuses a schedule of more than ten million steps, counted over all runs', () => {
    expect(() => decodeToken(token({ ...ok, r: [0, 5_000_000, 1, 5_000_001] }))).toThrow('replay token schedule is too long');
  });

  it('needs the version prefix at the start and a base64url payload throughout', () => {
    const t = token(ok);
    expect(() => decodeToken(`x${t}`)).toThrow('not a kvmrace replay token (it should start with kr1.)');
    expect(() => decodeToken(`kr.${t.slice(4)}`)).toThrow(/not a kvmrace replay token/);
    expect(() => decodeToken(`kr12.${t.slice(4)}`)).toThrow('replay token version 12 is not supported (this kvmrace reads version 1)');
    expect(() => decodeToken(`kr1..${check('')}`)).toThrow('replay token is truncated or malformed');
    const body = t.split('.')[1]!;
    for (const bad of [`=${body}`, `${body}=`, `${body.slice(0, 3)}+${body.slice(3)}`]) {
      expect(() => decodeToken(`kr1.${bad}.${check(bad)}`), bad).toThrow('replay token has characters outside base64url');
    }
    const tokenError = (() => {
      try {
        decodeToken('nope');
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(tokenError?.name).toBe('TokenError');
  });
});

describe('steps and the world', () => {
  it('makeStep keeps the label, accesses and predicates', () => {
    const w = new World(2, new Set(['f']));
    const v = w.var('v', 0);
    const plain = makeStep('s', [{ obj: v, mode: 'read' }]);
    expect(plain).toEqual({ label: 's', accesses: [{ obj: v, mode: 'read' }] });
    expect('enabled' in plain).toBe(false);
    const blocking = makeStep('b', [], { enabled: () => false, waitsFor: () => [1] });
    expect(blocking.enabled?.(0)).toBe(false);
    expect(blocking.waitsFor?.(0)).toEqual([1]);
  });

  it('stepsConflict: one object, at least one write', () => {
    const w = new World(1, new Set());
    const x = w.var('x', 0);
    const y = w.var('y', 0);
    const r = (o: typeof x) => makeStep('r', [{ obj: o, mode: 'read' }]);
    const wr = (o: typeof x) => makeStep('w', [{ obj: o, mode: 'write' }]);
    expect(stepsConflict(r(x), r(x))).toBe(false);
    expect(stepsConflict(r(x), wr(x))).toBe(true);
    expect(stepsConflict(wr(x), r(x))).toBe(true);
    expect(stepsConflict(wr(x), wr(x))).toBe(true);
    expect(stepsConflict(wr(x), wr(y))).toBe(false);
    expect(stepsConflict(makeStep('xy', [{ obj: y, mode: 'read' }, { obj: x, mode: 'read' }]), makeStep('yx', [{ obj: y, mode: 'read' }, { obj: x, mode: 'write' }]))).toBe(true);
    expect(stepsConflict(makeStep('none', []), wr(x))).toBe(false);
  });

  it('the world numbers its objects, CPUs first, and knows its fixes and threads', () => {
    const w = new World(3, new Set(['f']));
    expect(w.threadIds()).toEqual([0, 1, 2]);
    expect(new World(0, new Set()).threadIds()).toEqual([]);
    expect(w.fixed('f')).toBe(true);
    expect(w.fixed('g')).toBe(false);
    expect(w.current).toBe(-1);
    expect(w.objects.map((o) => o.name)).toEqual(['CPU0', 'CPU1', 'CPU2']);
    const c = w.counter('c');
    const d = w.counter('d', 7);
    expect([c.id, c.value, d.id, d.value]).toEqual([3, 0, 4, 7]);
    expect(w.objects[4]).toBe(d);
    expect(w.cpu(2).tid).toBe(2);
    expect(w.cpus).toBe(w.cpus);
    expect(w.cpus.of(1)).toBe(w.cpu(1));
    expect(() => w.cpu(3)).toThrow(RangeError);
    expect(() => w.cpu(3)).toThrow('no CPU3 in a 3-thread run');
    expect(() => w.cpu(-1)).toThrow('no CPU-1 in a 3-thread run');
    expect([w.spinlock('s').flavour.lockFn, w.mutex('m').flavour.lockFn]).toEqual(['spin_lock', 'mutex_lock']);
    expect([w.rwlock('r').kind, w.seqcount('q').kind, w.srcu('u').kind, w.var('v', 1).kind, c.kind, w.cpu(0).kind]).toEqual(['rwlock', 'seqcount', 'srcu', 'var', 'counter', 'cpu']);
    const mn = w.mmuNotifier();
    expect([mn.seq.name, mn.count.name, mn.seq.kind]).toEqual(['mmu_notifier_seq', 'mmu_notifier_count', 'counter']);
  });
});
