// Tags of events, as bits: the annotations herd's LKMM gives an access (ONCE, RELEASE, ACQUIRE, MB,
// NORETURN; none for a plain access), the lock and SRCU event classes, the fence kinds, and, for
// x86-TSO, whether an event belongs to a locked instruction.

export const Tag = {
  ONCE: 1 << 0,
  RELEASE: 1 << 1,
  ACQUIRE: 1 << 2,
  MB: 1 << 3,
  NORETURN: 1 << 4,
  /** An event of an atomic read-modify-write instruction (xchg, cmpxchg, atomic_*), also a failed cmpxchg's read. */
  RMW: 1 << 5,
  /** spin_lock()'s (or a successful spin_trylock()'s) read. */
  LKR: 1 << 6,
  /** spin_lock()'s (or a successful spin_trylock()'s) write. */
  LKW: 1 << 7,
  /** spin_unlock(). */
  UL: 1 << 8,
  /** A failed spin_trylock(): a read that sees the lock taken. */
  LF: 1 << 9,
  SRCU_LOCK: 1 << 10,
  SRCU_UNLOCK: 1 << 11,
  SYNC_SRCU: 1 << 12,
  F_MB: 1 << 13,
  F_RMB: 1 << 14,
  F_WMB: 1 << 15,
  F_BARRIER: 1 << 16,
  RCU_LOCK: 1 << 17,
  RCU_UNLOCK: 1 << 18,
  SYNC_RCU: 1 << 19,
  BEFORE_ATOMIC: 1 << 20,
  AFTER_ATOMIC: 1 << 21,
  AFTER_SPINLOCK: 1 << 22,
  AFTER_UNLOCK_LOCK: 1 << 23,
  AFTER_SRCU_READ_UNLOCK: 1 << 24,
  /** Part of an x86 locked instruction (every atomic RMW, xchg, cmpxchg, spin_lock, spin_trylock). */
  LOCKED: 1 << 25,
  /** An initial write. */
  INIT: 1 << 26,
} as const;

/** The access annotations that make an access marked (not plain) in the LKMM. */
export const MARKED_TAGS =
  Tag.ONCE | Tag.RELEASE | Tag.ACQUIRE | Tag.MB | Tag.RMW | Tag.LKR | Tag.LKW | Tag.UL | Tag.LF | Tag.SRCU_LOCK | Tag.SRCU_UNLOCK | Tag.INIT;

/** Event kinds. */
export const Kind = { R: 0, W: 1, F: 2 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Names of the tags, for printing an event. */
export function tagNames(tags: number): string[] {
  return Object.entries(Tag)
    .filter(([, bit]) => (tags & bit) !== 0)
    .map(([name]) => name);
}
