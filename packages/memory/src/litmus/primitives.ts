import { Tag } from '../exec/tags.js';

// The kernel primitives a litmus test may call, as herd's linux-kernel.def maps them to events
// (herd's macros are read for their meaning only; this table is kvmrace's own). An `lval`
// argument is an access's target written as `*x` (READ_ONCE(*x)); a `ptr` argument is the pointer
// itself (smp_load_acquire(x)).

export type ArgForm = 'lval' | 'ptr';
export type Ordering = 'MB' | 'ONCE' | 'ACQUIRE' | 'RELEASE';
export type RmwFn = '+' | '-' | '&' | '|' | '^' | '&~';

export type Primitive =
  | { readonly op: 'load'; readonly tag: number; readonly target: ArgForm }
  | { readonly op: 'store'; readonly tag: number; readonly target: ArgForm; readonly fenceAfter?: number }
  | { readonly op: 'fence'; readonly tag: number }
  /** atomic_add(V, X) and friends: no value returned, NORETURN events. */
  | { readonly op: 'atomic-noreturn'; readonly fn: RmwFn; readonly constant?: number }
  /** atomic_add_return(V, X): returns the new value; `test` turns it into a comparison with 0. */
  | { readonly op: 'atomic-return'; readonly fn: RmwFn; readonly ordering: Ordering; readonly constant?: number; readonly test?: '==0' | '<0' }
  /** atomic_fetch_add(V, X): returns the old value. */
  | { readonly op: 'atomic-fetch'; readonly fn: RmwFn; readonly ordering: Ordering; readonly constant?: number }
  | { readonly op: 'xchg'; readonly ordering: Ordering }
  | { readonly op: 'cmpxchg'; readonly ordering: Ordering }
  | { readonly op: 'lock' }
  | { readonly op: 'unlock' }
  | { readonly op: 'trylock' }
  | { readonly op: 'srcu-lock' }
  | { readonly op: 'srcu-unlock' }
  | { readonly op: 'sync-srcu' };

const ORDERINGS: ReadonlyArray<readonly [string, Ordering]> = [
  ['', 'MB'],
  ['_relaxed', 'ONCE'],
  ['_acquire', 'ACQUIRE'],
  ['_release', 'RELEASE'],
];

function table(): Map<string, Primitive> {
  const t = new Map<string, Primitive>();
  t.set('READ_ONCE', { op: 'load', tag: Tag.ONCE, target: 'lval' });
  t.set('WRITE_ONCE', { op: 'store', tag: Tag.ONCE, target: 'lval' });
  t.set('smp_load_acquire', { op: 'load', tag: Tag.ACQUIRE, target: 'ptr' });
  t.set('smp_store_release', { op: 'store', tag: Tag.RELEASE, target: 'ptr' });
  t.set('rcu_dereference', { op: 'load', tag: Tag.ONCE, target: 'lval' });
  t.set('rcu_assign_pointer', { op: 'store', tag: Tag.RELEASE, target: 'lval' });
  t.set('smp_store_mb', { op: 'store', tag: Tag.ONCE, target: 'lval', fenceAfter: Tag.F_MB });
  t.set('atomic_read', { op: 'load', tag: Tag.ONCE, target: 'ptr' });
  t.set('atomic_set', { op: 'store', tag: Tag.ONCE, target: 'ptr' });
  t.set('atomic_read_acquire', { op: 'load', tag: Tag.ACQUIRE, target: 'ptr' });
  t.set('atomic_set_release', { op: 'store', tag: Tag.RELEASE, target: 'ptr' });

  t.set('smp_mb', { op: 'fence', tag: Tag.F_MB });
  t.set('smp_rmb', { op: 'fence', tag: Tag.F_RMB });
  t.set('smp_wmb', { op: 'fence', tag: Tag.F_WMB });
  t.set('barrier', { op: 'fence', tag: Tag.F_BARRIER });
  t.set('smp_mb__before_atomic', { op: 'fence', tag: Tag.BEFORE_ATOMIC });
  t.set('smp_mb__after_atomic', { op: 'fence', tag: Tag.AFTER_ATOMIC });
  t.set('smp_mb__after_spinlock', { op: 'fence', tag: Tag.AFTER_SPINLOCK });
  t.set('smp_mb__after_unlock_lock', { op: 'fence', tag: Tag.AFTER_UNLOCK_LOCK });
  t.set('smp_mb__after_srcu_read_unlock', { op: 'fence', tag: Tag.AFTER_SRCU_READ_UNLOCK });
  t.set('rcu_read_lock', { op: 'fence', tag: Tag.RCU_LOCK });
  t.set('rcu_read_unlock', { op: 'fence', tag: Tag.RCU_UNLOCK });
  t.set('synchronize_rcu', { op: 'fence', tag: Tag.SYNC_RCU });
  t.set('synchronize_rcu_expedited', { op: 'fence', tag: Tag.SYNC_RCU });

  t.set('spin_lock', { op: 'lock' });
  t.set('spin_unlock', { op: 'unlock' });
  t.set('spin_trylock', { op: 'trylock' });
  t.set('srcu_read_lock', { op: 'srcu-lock' });
  t.set('srcu_down_read', { op: 'srcu-lock' });
  t.set('srcu_read_unlock', { op: 'srcu-unlock' });
  t.set('srcu_up_read', { op: 'srcu-unlock' });
  t.set('synchronize_srcu', { op: 'sync-srcu' });
  t.set('synchronize_srcu_expedited', { op: 'sync-srcu' });

  const fns: ReadonlyArray<readonly [string, RmwFn]> = [['add', '+'], ['sub', '-'], ['and', '&'], ['or', '|'], ['xor', '^'], ['andnot', '&~']];
  for (const [name, fn] of fns) t.set(`atomic_${name}`, { op: 'atomic-noreturn', fn });
  t.set('atomic_inc', { op: 'atomic-noreturn', fn: '+', constant: 1 });
  t.set('atomic_dec', { op: 'atomic-noreturn', fn: '-', constant: 1 });
  for (const [suffix, ordering] of ORDERINGS) {
    t.set(`atomic_add_return${suffix}`, { op: 'atomic-return', fn: '+', ordering });
    t.set(`atomic_sub_return${suffix}`, { op: 'atomic-return', fn: '-', ordering });
    t.set(`atomic_inc_return${suffix}`, { op: 'atomic-return', fn: '+', ordering, constant: 1 });
    t.set(`atomic_dec_return${suffix}`, { op: 'atomic-return', fn: '-', ordering, constant: 1 });
    t.set(`atomic_add_negative${suffix}`, { op: 'atomic-return', fn: '+', ordering, test: '<0' });
    for (const [name, fn] of fns) t.set(`atomic_fetch_${name}${suffix}`, { op: 'atomic-fetch', fn, ordering });
    t.set(`atomic_fetch_inc${suffix}`, { op: 'atomic-fetch', fn: '+', ordering, constant: 1 });
    t.set(`atomic_fetch_dec${suffix}`, { op: 'atomic-fetch', fn: '-', ordering, constant: 1 });
    t.set(`xchg${suffix}`, { op: 'xchg', ordering });
    t.set(`atomic_xchg${suffix}`, { op: 'xchg', ordering });
    t.set(`cmpxchg${suffix}`, { op: 'cmpxchg', ordering });
    t.set(`atomic_cmpxchg${suffix}`, { op: 'cmpxchg', ordering });
  }
  t.set('atomic_sub_and_test', { op: 'atomic-return', fn: '-', ordering: 'MB', test: '==0' });
  t.set('atomic_dec_and_test', { op: 'atomic-return', fn: '-', ordering: 'MB', constant: 1, test: '==0' });
  t.set('atomic_inc_and_test', { op: 'atomic-return', fn: '+', ordering: 'MB', constant: 1, test: '==0' });
  return t;
}

/** Every primitive kvmrace reads, by name. */
export const PRIMITIVES: ReadonlyMap<string, Primitive> = table();

/** The arguments a primitive takes, by position. */
export function arity(p: Primitive): number {
  switch (p.op) {
    case 'load':
    case 'lock':
    case 'unlock':
    case 'trylock':
    case 'srcu-lock':
    case 'sync-srcu':
      return 1;
    case 'store':
    case 'srcu-unlock':
    case 'xchg':
      return 2;
    case 'fence':
      return 0;
    case 'cmpxchg':
      return 3;
    case 'atomic-noreturn':
    case 'atomic-return':
    case 'atomic-fetch':
      return p.constant === undefined ? 2 : 1;
  }
}

/** Whether a primitive gives a value (may stand on the right of `=`). */
export function returnsValue(p: Primitive): boolean {
  return !(p.op === 'store' || p.op === 'fence' || p.op === 'atomic-noreturn' || p.op === 'lock' || p.op === 'unlock' || p.op === 'srcu-unlock' || p.op === 'sync-srcu');
}

/** The tag of an access with a given ordering. */
export function orderingTag(o: Ordering): number {
  return o === 'MB' ? Tag.MB : o === 'ONCE' ? Tag.ONCE : o === 'ACQUIRE' ? Tag.ACQUIRE : Tag.RELEASE;
}
