import type { Steps, Thread } from '@kvmrace/core';
import type { HptFix } from './fixes.js';
import type { HptGen } from './layout.js';
import { hptSize, type HptResizeState } from './state.js';

/**
 * `kvmppc_add_revmap_chain(kvm, rev, rmap, index, 0)`, entered with `lock_rmap` held, which it
 * releases: link HPTE `index` (of the table the fault looked up, `myGen`) into the guest page's
 * rmap chain, whose entries are indices into `kvm->arch.hpt.rev[]`, the table installed now. This
 * is the crash site of the race:
 *
 * - an index from the other table is out of bounds of a smaller installed table: oops;
 * - `rev` points into a table that `resize_hpt_release` already freed: oops (use after free);
 * - an existing chain head out of bounds of the installed table (`&kvm->arch.hpt.rev[i]`): oops.
 *
 * The model reports the first as the crash where the stale index enters the chain; in the kernel
 * the next walk of the chain (`kvmppc_add_revmap_chain`, `kvm_unmap_rmapp`) faults on it.
 */
export function kvmppcAddRevmapChain(s: HptResizeState, t: Thread<HptFix>, myGen: HptGen, index: number): Steps {
  return t.within('kvmppc_add_revmap_chain', kvmppcAddRevmapChainBody(s, t, myGen, index));
}

function* kvmppcAddRevmapChainBody(s: HptResizeState, t: Thread<HptFix>, myGen: HptGen, index: number): Steps {
  yield* t.step('link rev[index] into rmap chain; *rmap = index | PRESENT', { reads: [s.hpt, s.oldFreed], writes: [s.rmap] });
  const cur = s.hpt.value;
  if (myGen === 'OLD' && s.oldFreed.value) t.oops(`kvmppc_add_revmap_chain: rev = &OLD.rev[${index}] points into the freed OLD HPT`);
  if (myGen !== cur && index >= hptSize(cur)) {
    t.oops(`kvmppc_add_revmap_chain: HPTE index ${index} of the ${myGen} HPT is out of bounds of kvm->arch.hpt.rev[] (${cur}, ${hptSize(cur)} entries)`);
  }
  t.assert(myGen === cur, 'I_B1', `kvmppc_add_revmap_chain links index ${index} of the ${myGen} HPT while kvm->arch.hpt is ${cur}`);
  const r = s.rmap.value;
  if (r.present) {
    // head = &kvm->arch.hpt.rev[i]; tail = &kvm->arch.hpt.rev[head->back]
    if (r.idx >= hptSize(cur)) t.oops(`kvmppc_add_revmap_chain: chain head kvm->arch.hpt.rev[${r.idx}] out of bounds (${cur}, ${hptSize(cur)} entries)`);
    // the head stays; index joins the chain behind it
  } else {
    s.rmap.value = { present: 1, idx: index, gen: myGen }; // rev->forw = rev->back = index
  }
  yield* s.rmapLock.unlock(); // unlock_rmap(rmap)
}
