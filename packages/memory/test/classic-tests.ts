// Classic litmus shapes written for kvmrace's own tests, each with the result the literature gives
// it: the LKMM results are those of the kernel's tools/memory-model/litmus-tests of the same shape
// (their `Result:` lines, named in `source`) or of explanation.txt; SC and TSO results follow
// explanation.txt §4 (SC forbids every cycle of po, rf, co, fr; TSO lets a load pass an earlier
// store and nothing else) and Owens, Sarkar, Sewell (x86-TSO, TPHOLs 2009). Each LKMM result was
// also checked with herd7 7.58 and the LKMM.

export type Obs = 'Never' | 'Sometimes' | 'Always';

export interface Classic {
  readonly name: string;
  readonly source: string;
  readonly lkmm: Obs;
  readonly sc: Obs;
  readonly tso: Obs;
  readonly dataRace?: boolean;
  readonly text: string;
}

const t = (name: string, threads: string[], cond: string, init = '{}'): string =>
  `C ${name}\n\n${init}\n\n${threads.map((body, i) => `P${i}${body}`).join('\n\n')}\n\n${cond}\n`;

export const CLASSICS: readonly Classic[] = [
  {
    name: 'SB', source: 'SB+poonceonces (Result: Sometimes); explanation.txt §4', lkmm: 'Sometimes', sc: 'Never', tso: 'Sometimes',
    text: t('SB', [
      '(int *x, int *y)\n{\n\tint r0;\n\tWRITE_ONCE(*x, 1);\n\tr0 = READ_ONCE(*y);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tWRITE_ONCE(*y, 1);\n\tr0 = READ_ONCE(*x);\n}',
    ], 'exists (0:r0=0 /\\ 1:r0=0)'),
  },
  {
    name: 'SB+mbs', source: 'SB+fencembonceonces (Result: Never)', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('SB+mbs', [
      '(int *x, int *y)\n{\n\tint r0;\n\tWRITE_ONCE(*x, 1);\n\tsmp_mb();\n\tr0 = READ_ONCE(*y);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tWRITE_ONCE(*y, 1);\n\tsmp_mb();\n\tr0 = READ_ONCE(*x);\n}',
    ], 'exists (0:r0=0 /\\ 1:r0=0)'),
  },
  {
    name: 'SB+xchgs', source: 'explanation.txt §14 (a fully ordered RMW acts as smp_mb()); x86: xchg is locked', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('SB+xchgs', [
      '(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr1 = xchg(x, 1);\n\tr0 = READ_ONCE(*y);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr1 = xchg(y, 1);\n\tr0 = READ_ONCE(*x);\n}',
    ], 'exists (0:r0=0 /\\ 1:r0=0)'),
  },
  {
    name: 'SB+xchg_relaxeds', source: 'explanation.txt §18 (relaxed RMWs give no ordering); x86: xchg is locked whatever its suffix', lkmm: 'Sometimes', sc: 'Never', tso: 'Never',
    text: t('SB+xchg_relaxeds', [
      '(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr1 = xchg_relaxed(x, 1);\n\tr0 = READ_ONCE(*y);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr1 = xchg_relaxed(y, 1);\n\tr0 = READ_ONCE(*x);\n}',
    ], 'exists (0:r0=0 /\\ 1:r0=0)'),
  },
  {
    name: 'MP', source: 'MP+poonceonces (Result: Sometimes); explanation.txt §3', lkmm: 'Sometimes', sc: 'Never', tso: 'Never',
    text: t('MP', [
      '(int *buf, int *flag)\n{\n\tWRITE_ONCE(*buf, 1);\n\tWRITE_ONCE(*flag, 1);\n}',
      '(int *buf, int *flag)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*flag);\n\tr1 = READ_ONCE(*buf);\n}',
    ], 'exists (1:r0=1 /\\ 1:r1=0)'),
  },
  {
    name: 'MP+wmb+rmb', source: 'MP+fencewmbonceonce+fencermbonceonce (Result: Never)', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('MP+wmb+rmb', [
      '(int *buf, int *flag)\n{\n\tWRITE_ONCE(*buf, 1);\n\tsmp_wmb();\n\tWRITE_ONCE(*flag, 1);\n}',
      '(int *buf, int *flag)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*flag);\n\tsmp_rmb();\n\tr1 = READ_ONCE(*buf);\n}',
    ], 'exists (1:r0=1 /\\ 1:r1=0)'),
  },
  {
    name: 'MP+release+acquire', source: 'MP+pooncerelease+poacquireonce (Result: Never)', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('MP+release+acquire', [
      '(int *buf, int *flag)\n{\n\tWRITE_ONCE(*buf, 1);\n\tsmp_store_release(flag, 1);\n}',
      '(int *buf, int *flag)\n{\n\tint r0;\n\tint r1;\n\tr0 = smp_load_acquire(flag);\n\tr1 = READ_ONCE(*buf);\n}',
    ], 'exists (1:r0=1 /\\ 1:r1=0)'),
  },
  {
    name: 'MP+plain', source: 'explanation.txt §24 (plain accesses race: herd flags data-race)', lkmm: 'Sometimes', sc: 'Never', tso: 'Never', dataRace: true,
    text: t('MP+plain', [
      '(int *buf, int *flag)\n{\n\t*buf = 1;\n\tWRITE_ONCE(*flag, 1);\n}',
      '(int *buf, int *flag)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*flag);\n\tr1 = *buf;\n}',
    ], 'exists (1:r0=1 /\\ 1:r1=0)'),
  },
  {
    name: 'MP+release+acquire-plain', source: 'explanation.txt §24 (release/acquire bound the plain accesses: no race)', lkmm: 'Never', sc: 'Never', tso: 'Never', dataRace: false,
    text: t('MP+release+acquire-plain', [
      '(int *buf, int *flag)\n{\n\t*buf = 1;\n\tsmp_store_release(flag, 1);\n}',
      '(int *buf, int *flag)\n{\n\tint r0;\n\tint r1 = 0;\n\tr0 = smp_load_acquire(flag);\n\tif (r0)\n\t\tr1 = *buf;\n}',
    ], 'exists (1:r0=1 /\\ 1:r1=0)'),
  },
  {
    name: 'MP+assign+deref', source: 'MP+onceassign+derefonce (Result: Never)', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('MP+assign+deref', [
      '(int *x, int **p)\n{\n\tWRITE_ONCE(*x, 1);\n\trcu_assign_pointer(*p, x);\n}',
      '(int *x, int **p)\n{\n\tint *r0;\n\tint r1;\n\trcu_read_lock();\n\tr0 = rcu_dereference(*p);\n\tr1 = READ_ONCE(*r0);\n\trcu_read_unlock();\n}',
    ], 'exists (1:r0=x /\\ 1:r1=0)', '{\n\tint y = 2;\n\tint *p = &y;\n}'),
  },
  {
    name: 'LB', source: 'LB+poonceonces (Result: Sometimes)', lkmm: 'Sometimes', sc: 'Never', tso: 'Never',
    text: t('LB', [
      '(int *x, int *y)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n\tWRITE_ONCE(*y, 1);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tr0 = READ_ONCE(*y);\n\tWRITE_ONCE(*x, 1);\n}',
    ], 'exists (0:r0=1 /\\ 1:r0=1)'),
  },
  {
    name: 'LB+ctrl+mb', source: 'LB+fencembonceonce+ctrlonceonce (Result: Never)', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('LB+ctrl+mb', [
      '(int *x, int *y)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n\tif (r0)\n\t\tWRITE_ONCE(*y, 1);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tr0 = READ_ONCE(*y);\n\tsmp_mb();\n\tWRITE_ONCE(*x, 1);\n}',
    ], 'exists (0:r0=1 /\\ 1:r0=1)'),
  },
  {
    name: 'IRIW', source: 'IRIW+poonceonces+OnceOnce (Result: Sometimes); x86-TSO is multicopy-atomic', lkmm: 'Sometimes', sc: 'Never', tso: 'Never',
    text: t('IRIW', [
      '(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*x);\n\tr1 = READ_ONCE(*y);\n}',
      '(int *y)\n{\n\tWRITE_ONCE(*y, 1);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*y);\n\tr1 = READ_ONCE(*x);\n}',
    ], 'exists (1:r0=1 /\\ 1:r1=0 /\\ 3:r0=1 /\\ 3:r1=0)'),
  },
  {
    name: 'IRIW+mbs', source: 'IRIW+fencembonceonces+OnceOnce (Result: Never)', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('IRIW+mbs', [
      '(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*x);\n\tsmp_mb();\n\tr1 = READ_ONCE(*y);\n}',
      '(int *y)\n{\n\tWRITE_ONCE(*y, 1);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*y);\n\tsmp_mb();\n\tr1 = READ_ONCE(*x);\n}',
    ], 'exists (1:r0=1 /\\ 1:r1=0 /\\ 3:r0=1 /\\ 3:r1=0)'),
  },
  {
    name: 'WRC+release+rmb', source: 'WRC+pooncerelease+fencermbonceonce+Once (Result: Never)', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('WRC+release+rmb', [
      '(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n\tsmp_store_release(y, 1);\n}',
      '(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*y);\n\tsmp_rmb();\n\tr1 = READ_ONCE(*x);\n}',
    ], 'exists (1:r0=1 /\\ 2:r0=1 /\\ 2:r1=0)'),
  },
  {
    name: 'CoRR', source: 'CoRR+poonceonce+Once (Result: Never); explanation.txt §16', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('CoRR', [
      '(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}',
      '(int *x)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*x);\n\tr1 = READ_ONCE(*x);\n}',
    ], 'exists (1:r0=1 /\\ 1:r1=0)'),
  },
  {
    name: 'MP+locks', source: 'MP+polocks (Result: Never); explanation.txt §23', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('MP+locks', [
      '(int *x, int *y, spinlock_t *s)\n{\n\tWRITE_ONCE(*x, 1);\n\tspin_lock(s);\n\tWRITE_ONCE(*y, 1);\n\tspin_unlock(s);\n}',
      '(int *x, int *y, spinlock_t *s)\n{\n\tint r0;\n\tint r1;\n\tspin_lock(s);\n\tr0 = READ_ONCE(*y);\n\tspin_unlock(s);\n\tr1 = READ_ONCE(*x);\n}',
    ], 'exists (1:r0=1 /\\ 1:r1=0)'),
  },
  {
    name: 'Z6.0+locks', source: 'Z6.0+pooncelock+pooncelock+pombonce (Result: Sometimes): unlock+lock is not a full fence', lkmm: 'Sometimes', sc: 'Never', tso: 'Never',
    text: t('Z6.0+locks', [
      '(int *x, int *y, spinlock_t *s)\n{\n\tspin_lock(s);\n\tWRITE_ONCE(*x, 1);\n\tWRITE_ONCE(*y, 1);\n\tspin_unlock(s);\n}',
      '(int *y, int *z, spinlock_t *s)\n{\n\tint r0;\n\tspin_lock(s);\n\tr0 = READ_ONCE(*y);\n\tWRITE_ONCE(*z, 1);\n\tspin_unlock(s);\n}',
      '(int *x, int *z)\n{\n\tint r1;\n\tWRITE_ONCE(*z, 2);\n\tsmp_mb();\n\tr1 = READ_ONCE(*x);\n}',
    ], 'exists (1:r0=1 /\\ z=2 /\\ 2:r1=0)'),
  },
  {
    name: 'RCU-sb', source: 'explanation.txt §22: a read-side critical section cannot overlap a grace period on both sides', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('RCU-sb', [
      '(int *x, int *y)\n{\n\tint r0;\n\trcu_read_lock();\n\tWRITE_ONCE(*y, 1);\n\tr0 = READ_ONCE(*x);\n\trcu_read_unlock();\n}',
      '(int *x, int *y)\n{\n\tint r1;\n\tWRITE_ONCE(*x, 1);\n\tsynchronize_rcu();\n\tr1 = READ_ONCE(*y);\n}',
    ], 'exists (0:r0=0 /\\ 1:r1=0)'),
  },
  {
    name: 'RCU-deferred-free', source: 'explanation.txt §22 (the grace period waits for the reader that saw the old pointer)', lkmm: 'Never', sc: 'Never', tso: 'Never',
    text: t('RCU-deferred-free', [
      '(int **p, int *x)\n{\n\tint *r0;\n\tint r1;\n\trcu_read_lock();\n\tr0 = rcu_dereference(*p);\n\tr1 = READ_ONCE(*r0);\n\trcu_read_unlock();\n}',
      '(int **p, int *x, int *z)\n{\n\trcu_assign_pointer(*p, z);\n\tsynchronize_rcu();\n\tWRITE_ONCE(*x, 0);\n}',
    ], 'exists (0:r0=x /\\ 0:r1=0)', '{\n\tint x = 1;\n\tint z = 1;\n\tint *p = &x;\n}'),
  },
  {
    name: 'atomic-incs', source: 'explanation.txt §17: increments are atomic, none is lost', lkmm: 'Always', sc: 'Always', tso: 'Always',
    text: t('atomic-incs', ['(atomic_t *a)\n{\n\tatomic_inc(a);\n}', '(atomic_t *a)\n{\n\tatomic_inc(a);\n}'], 'exists (a=2)'),
  },
];
