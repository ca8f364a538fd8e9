import { defineModel, Prng, type AnyModel, type Lock, type Srcu, type Steps, type Thread, type Var } from '../src/index.js';

/** One instruction of a generated thread program. */
export type Instr =
  | { readonly k: 'read'; readonly v: number }
  | { readonly k: 'write'; readonly v: number; readonly c: number }
  | { readonly k: 'lock'; readonly l: number; readonly body: readonly Instr[] }
  | { readonly k: 'srcu'; readonly body: readonly Instr[] }
  | { readonly k: 'sync' }
  | { readonly k: 'irqoff'; readonly body: readonly Instr[] }
  | { readonly k: 'ipi' }
  | { readonly k: 'await'; readonly v: number }
  | { readonly k: 'assert'; readonly v: number; readonly bad: number };

interface State {
  readonly vars: Var<number>[];
  readonly locks: Lock[];
  readonly srcu: Srcu;
  /** Each thread's accumulator when it finished (ghost, one slot per thread). */
  readonly locals: number[];
}

const VARS = 3;
const LOCKS = 2;

/** A small random model: 2 or 3 threads, reads, writes, lock sections, SRCU, IPIs, waits, asserts. */
export function randomModel(seed: number, always: boolean): { model: AnyModel; scenario: string[][] } {
  const rng = new Prng(seed);
  const threads = 2 + rng.below(2);
  const budget = threads === 2 ? 5 : 3; // steps per thread, roughly
  const gen = (depth: number, left: { n: number }, held: number[]): Instr[] => {
    const out: Instr[] = [];
    while (left.n > 0) {
      const r = rng.below(20);
      if (r < 6) {
        out.push({ k: 'read', v: rng.below(VARS) });
        left.n--;
      } else if (r < 11) {
        out.push({ k: 'write', v: rng.below(VARS), c: rng.below(3) });
        left.n--;
      } else if (r < 14 && depth < 2) {
        const l = rng.below(LOCKS);
        if (held.includes(l)) continue;
        left.n -= 2;
        out.push({ k: 'lock', l, body: gen(depth + 1, { n: Math.min(left.n, 1 + rng.below(3)) }, [...held, l]) });
      } else if (r === 14 && depth < 2) {
        left.n -= 2;
        out.push({ k: 'srcu', body: gen(depth + 1, { n: Math.min(left.n, 1 + rng.below(2)) }, held) });
      } else if (r === 15 && held.length === 0) {
        out.push({ k: 'sync' });
        left.n -= 2;
      } else if (r === 16 && depth < 2) {
        left.n -= 2;
        out.push({ k: 'irqoff', body: gen(depth + 1, { n: Math.min(left.n, 1 + rng.below(2)) }, held) });
      } else if (r === 17) {
        out.push({ k: 'ipi' });
        left.n -= 2;
      } else if (r === 18) {
        out.push({ k: 'await', v: rng.below(VARS) });
        left.n--;
      } else if (r === 19) {
        out.push({ k: 'assert', v: rng.below(VARS), bad: 1 + rng.below(3) });
        left.n--;
      }
    }
    return out;
  };
  const programs = Array.from({ length: threads }, () => gen(0, { n: 2 + rng.below(budget - 1) }, []));
  const target = 1 + rng.below(4);
  const ops: Record<string, { summary: string; kernel: string; run: (s: State, t: Thread) => Steps }> = {};
  programs.forEach((prog, i) => {
    ops[`p${i}`] = {
      summary: `generated program ${i}`,
      kernel: 'none',
      *run(s, t) {
        const acc = { v: 1 };
        yield* exec(s, t, prog, acc);
        s.locals[t.tid] = acc.v;
      },
    };
  });
  const model = defineModel<State, string, never>({
    name: `random-${seed}`,
    title: 'generated',
    summary: 'a generated model for the DPOR soundness test',
    fixes: {},
    operations: ops,
    setup: (w) => ({
      vars: Array.from({ length: VARS }, (_, i) => w.var(`v${i}`, 0)),
      locks: Array.from({ length: LOCKS }, (_, i) => w.spinlock(`l${i}`)),
      srcu: w.srcu('srcu'),
      locals: Array.from({ length: threads }, () => 0),
    }),
    invariants: [
      {
        name: 'sum',
        description: `while l0 is free, v0 (+ v1 when v2 is odd) never equals ${target}`,
        at: always ? 'always' : 'end',
        when: (s) => (s.locks[0] as Lock).isFree,
        check: (s) => (s.vars[0] as Var<number>).value + ((s.vars[2] as Var<number>).value % 2 === 1 ? (s.vars[1] as Var<number>).value : 0) !== target,
      },
    ],
    scenarios: { maxThreads: threads, maxOpsPerThread: 1, maxOps: threads, catalogue: [{ name: 'all', threads: programs.map((_, i) => [`p${i}`]) }] },
    maxSteps: 200,
  });
  return { model, scenario: programs.map((_, i) => [`p${i}`]) };
}

function* exec(s: State, t: Thread, prog: readonly Instr[], acc: { v: number }): Steps {
  for (const ins of prog) {
    switch (ins.k) {
      case 'read':
        acc.v = (acc.v * 3 + (yield* (s.vars[ins.v] as Var<number>).read())) % 101;
        break;
      case 'write':
        yield* (s.vars[ins.v] as Var<number>).write((acc.v + ins.c) % 4);
        break;
      case 'lock':
        yield* (s.locks[ins.l] as Lock).lock();
        yield* exec(s, t, ins.body, acc);
        yield* (s.locks[ins.l] as Lock).unlock();
        break;
      case 'srcu':
        yield* s.srcu.readLock();
        yield* exec(s, t, ins.body, acc);
        yield* s.srcu.readUnlock();
        break;
      case 'sync':
        yield* s.srcu.synchronize();
        break;
      case 'irqoff':
        yield* t.cpu.irqDisable();
        yield* exec(s, t, ins.body, acc);
        yield* t.cpu.irqEnable();
        break;
      case 'ipi': {
        // The handler writes shared memory on the target, undeclared: the observer must see it.
        yield* t.world.cpus.onEachCpu(() => {
          const v = s.vars[2] as Var<number>;
          v.value = (v.value + 1) % 4;
        });
        break;
      }
      case 'await':
        yield* t.awaitChange(`wait for v${ins.v}`, [s.vars[ins.v] as Var<unknown>]);
        break;
      case 'assert': {
        const v = yield* (s.vars[ins.v] as Var<number>).read();
        t.assert(v !== ins.bad, `v${ins.v}-not-${ins.bad}`);
        break;
      }
    }
  }
}
