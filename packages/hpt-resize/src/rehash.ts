import type { Steps, Thread } from '@kvmrace/core';
import type { HptFix } from './fixes.js';
import type { HpteV } from './layout.js';
import type { HptResizeState } from './state.js';

/**
 * `resize_hpt_rehash()`: walk every entry of the OLD table. In the model no entry is bolted, so
 * every entry is unmapped (if VALID) and dropped, and NEW starts out empty.
 */
export function resizeHptRehash(s: HptResizeState, t: Thread<HptFix>): Steps {
  return t.within('resize_hpt_rehash', resizeHptRehashBody(s, t));
}

function* resizeHptRehashBody(s: HptResizeState, t: Thread<HptFix>): Steps {
  for (let idx = 0; idx < s.oldHpte.length; idx++) yield* resizeHptRehashHpte(s, t, idx);
}

/** `resize_hpt_rehash_hpte(resize, idx)`: move (or drop) one OLD entry. */
export function resizeHptRehashHpte(s: HptResizeState, t: Thread<HptFix>, idx: number): Steps {
  return t.within('resize_hpt_rehash_hpte', resizeHptRehashHpteBody(s, t, idx));
}

function* resizeHptRehashHpteBody(s: HptResizeState, t: Thread<HptFix>, idx: number): Steps {
  const hpte = s.oldHpte[idx]!;
  const hvlock = s.oldHpteLock[idx]!;
  // R4a: "Guest is stopped, so new HPTEs can't be added or faulted in ... it's safe to check
  // this before we take the HPTE lock". I_B2 is exactly that assumption.
  // The first look also starts the window of I_B3 (ghost `rehashing`), so it declares a read of
  // every CPU: its order against guest entry and exit matters to the explorers.
  // The check is a plain load in the kernel; a host fault that read the flag before it was
  // cleared may still write this entry under its lock, so it is marked here (README, "Under the
  // LKMM"). Slot 0 is never written: its one step reads the initial value.
  const label = `hptep = old->virt + (${idx} << 4); vpte = be64_to_cpu(hptep[0]) (unlocked pre-check)`;
  let pre: HpteV;
  if (idx === 0) {
    yield* t.step(label, { reads: [hpte, ...s.cpus] });
    pre = hpte.value;
  } else {
    pre = yield* hpte.read(label);
  }
  s.rehashing = true;
  if (pre !== 'VALID' && pre !== 'ABSENT') {
    s.visited[idx] = true;
    return; // nothing to do
  }
  // R4b: while (!try_lock_hpte(hptep, HPTE_V_HVLOCK)) cpu_relax(); vpte = be64_to_cpu(hptep[0])
  yield* hvlock.lock();
  const vpte = yield* hpte.plainRead('vpte = be64_to_cpu(hptep[0])'); // plain: under the HPTE lock, as every write
  if (vpte === 'VALID') {
    // R4c: lock_rmap(rmapp); kvmppc_unmap_hpte(kvm, idx, memslot, rmapp, gfn); unlock_rmap(rmapp)
    yield* s.rmapLock.lock();
    yield* t.step(`kvmppc_unmap_hpte(): unlink OLD.rev[${idx}] from rmap, set ABSENT`, { writes: [s.rmap, hpte] });
    const r = s.rmap.value;
    if (r.present && r.idx === idx && r.gen === 'OLD') s.rmap.value = { present: 0 }; // chain now empty
    hpte.value = 'ABSENT';
    yield* s.rmapLock.unlock();
  }
  // R4d: BUG_ON(vpte & HPTE_V_VALID); not HPTE_V_BOLTED, so goto out: the entry is dropped.
  // R4e: out: unlock_hpte(hptep, vpte)
  yield* hvlock.unlock();
  s.visited[idx] = true;
}
