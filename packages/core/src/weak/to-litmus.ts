import { Tag } from '@kvmrace/memory/models';
import type { WeakEventSnapshot, WeakRunSnapshot } from './weak-memory.js';

/** The fences a litmus test can say, by tag. */
const FENCES: ReadonlyArray<readonly [number, string]> = [
  [Tag.F_MB, 'smp_mb()'],
  [Tag.F_RMB, 'smp_rmb()'],
  [Tag.F_WMB, 'smp_wmb()'],
  [Tag.BEFORE_ATOMIC, 'smp_mb__before_atomic()'],
  [Tag.AFTER_ATOMIC, 'smp_mb__after_atomic()'],
  [Tag.AFTER_SPINLOCK, 'smp_mb__after_spinlock()'],
  [Tag.AFTER_SRCU_READ_UNLOCK, 'smp_mb__after_srcu_read_unlock()'],
];

const C_KEYWORDS = new Set(['int', 'if', 'else', 'while', 'for', 'do', 'return', 'struct', 'void', 'char', 'long', 'exists', 'filter', 'forall', 'locations']);

/**
 * A run under weak memory as a C litmus test in the format of herd7 and tools/memory-model: each
 * thread's accesses, fences, locks and SRCU calls in program order, straight-line (the path the run
 * took), and an `exists` clause asking for the values its reads returned. herd7 answers `Sometimes`
 * for it exactly when the memory model allows those reads together. Values that are not integers
 * are numbered (the comment says which is which).
 */
export function runToLitmus(run: WeakRunSnapshot, name: string, comment: readonly string[] = []): string {
  const names = cNames(run.locations.map((l) => l.name));
  const numbers = new Map<string, number>();
  const legend: string[] = [];
  const num = (v: unknown): number => {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v === null || v === undefined) return 0;
    const key = JSON.stringify(v) ?? String(v);
    let n = numbers.get(key);
    if (n === undefined) {
      n = 100 + numbers.size;
      numbers.set(key, n);
      legend.push(`${n} = ${key}`);
    }
    return n;
  };
  const typeOf = (loc: number): string => {
    const kind = run.locations[loc]?.kind;
    return kind === 'lock' ? 'spinlock_t' : kind === 'srcu' ? 'struct srcu_struct' : 'int';
  };
  const init = run.locations.flatMap((l, i) => (typeOf(i) === 'int' && num(l.initial) !== 0 ? [`${names[i]}=${num(l.initial)};`] : []));
  const conditions: string[] = [];
  const threads = run.threads.map((events, t) => {
    const used = new Set<number>();
    const body: string[] = [];
    const regs: string[] = [];
    const regOf = new Map<number, string>();
    const reg = (i: number): string => {
      let r = regOf.get(i);
      if (r === undefined) {
        r = `r${regs.length}`;
        regs.push(r);
        regOf.set(i, r);
      }
      return r;
    };
    const rmwWrites = new Map<number, WeakEventSnapshot>();
    events.forEach((e) => {
      if (e.rmwRead >= 0) rmwWrites.set(e.rmwRead, e);
    });
    events.forEach((e, i) => {
      if (e.loc >= 0) used.add(e.loc);
      const x = e.loc >= 0 ? (names[e.loc] as string) : '';
      if (e.kind === 'F') {
        if (e.tags & Tag.SYNC_SRCU) body.push(`synchronize_srcu(${x});`);
        else body.push(`${FENCES.find(([bit]) => (e.tags & bit) !== 0)?.[1] ?? 'smp_mb()'};`);
        return;
      }
      if (e.rmwRead >= 0) return; // written with its read
      if (e.kind === 'R') {
        const w = rmwWrites.get(i);
        if (e.tags & Tag.LKR) return void body.push(`spin_lock(${x});`);
        if (e.tags & Tag.SRCU_LOCK) return void body.push(`${reg(i)} = srcu_read_lock(${x});`);
        if (w !== undefined) {
          const flavour = w.tags & Tag.MB ? 'xchg' : e.tags & Tag.ACQUIRE ? 'xchg_acquire' : w.tags & Tag.RELEASE ? 'xchg_release' : 'xchg_relaxed';
          body.push(`${reg(i)} = ${flavour}(${x}, ${num(w.value)});`);
        } else if (e.tags & Tag.ACQUIRE) {
          body.push(`${reg(i)} = smp_load_acquire(${x});`);
        } else if (e.tags & (Tag.ONCE | Tag.RMW | Tag.LOCKED)) {
          body.push(`${reg(i)} = READ_ONCE(*${x});`);
        } else {
          body.push(`${reg(i)} = *${x};`);
        }
        if (!(e.tags & Tag.SRCU_LOCK)) conditions.push(`${t}:${reg(i)}=${num(e.value)}`);
        return;
      }
      if (e.tags & Tag.UL) return void body.push(`spin_unlock(${x});`);
      if (e.tags & Tag.SRCU_UNLOCK) return void body.push(`srcu_read_unlock(${x}, ${e.data.length ? reg(e.data[0] as number) : '0'});`);
      if (e.tags & Tag.RELEASE) return void body.push(`smp_store_release(${x}, ${num(e.value)});`);
      if (e.tags & Tag.ONCE) return void body.push(`WRITE_ONCE(*${x}, ${num(e.value)});`);
      body.push(`*${x} = ${num(e.value)};`);
    });
    const params = [...used].sort((a, b) => a - b).map((l) => `${typeOf(l)} *${names[l] as string}`);
    const decl = regs.length ? [...regs.map((r) => `\tint ${r};`), ''] : []; // herd7 takes one declaration a line
    return [`P${t}(${params.join(', ')})`, '{', ...decl, ...body.map((b) => `\t${b}`), '}'].join('\n');
  });
  const header = [...comment, ...(legend.length ? [`values: ${legend.join(', ')}`] : [])];
  return [
    `C ${name}`,
    '',
    '(*',
    ...header.map((c) => ` * ${c}`),
    ' *)',
    '',
    `{${init.length ? ` ${init.join(' ')} ` : ''}}`,
    '',
    threads.join('\n\n'),
    '',
    conditions.length ? `exists (${conditions.join(' /\\ ')})` : 'exists (true)',
    '',
  ].join('\n');
}

/** C identifiers for kernel names (`pair->lo` becomes `pair_lo`), distinct from each other. */
function cNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((n) => {
    let base = n.replace(/->|\./g, '_').replace(/[^A-Za-z0-9_]/g, '').replace(/^_+|_+$/g, '') || 'v';
    if (/^[0-9]/.test(base) || C_KEYWORDS.has(base) || /^r[0-9]+$/.test(base) || /^P[0-9]+$/.test(base)) base = `v_${base}`;
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
    taken.add(name);
    return name;
  });
}
