import type { ExecutionGraph } from '../../exec/graph.js';
import { atomic, coherent } from '../common/coherence.js';
import { consistent, inconsistent, type MemoryModel, type ModelVerdict } from '../model.js';
import { LkmmContext } from './context.js';
import { hb } from './happens-before.js';
import { mixedAccesses } from './mixed-accesses.js';
import { plainAccesses } from './plain-accesses.js';
import { pb } from './propagation.js';
import { rcu } from './rcu.js';

/**
 * The Linux-kernel memory model (tools/memory-model; explanation.txt; Alglave, Maranget, McKenney,
 * Parri, Stern, ASPLOS 2018), written from its published definitions: coherence (§16), atomicity
 * (§17), happens-before (§20), propagation (§21), RCU (§22), the plain-coherence axiom, and the
 * data-race and mixed-accesses flags (§24). Locks (§23) are spin_lock()'s atomic acquire pair and spin_unlock()'s
 * release, lined up by the enumerator, with po-unlock-lock-po in ppo and cumul-fence.
 */
export const lkmmModel: MemoryModel = {
  name: 'lkmm',
  check(graph: ExecutionGraph): ModelVerdict {
    const c = new LkmmContext(graph);
    if (!coherent(c)) return inconsistent('coherence');
    if (!atomic(c)) return inconsistent('atomic');
    if (!hb(c).acyclic()) return inconsistent('happens-before');
    if (!pb(c).acyclic()) return inconsistent('propagation');
    const r = rcu(c);
    if (r && !r.rb.irreflexive()) return inconsistent('rcu');
    const plain = plainAccesses(c, r);
    if (!plain.coherent) return inconsistent('plain-coherence');
    const flags: string[] = [];
    if (plain.dataRace) flags.push('data-race');
    if (mixedAccesses(c)) flags.push('mixed-accesses');
    if (flags.length === 0) return consistent;
    return { consistent: true, flags, ...(plain.dataRace ? { races: plain.races } : {}) };
  },
};
