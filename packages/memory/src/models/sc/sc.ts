import type { ExecutionGraph } from '../../exec/graph.js';
import { BaseRelations } from '../common/base-relations.js';
import { atomic } from '../common/coherence.js';
import { acyclicWithGracePeriods } from '../common/grace-periods.js';
import { consistent, inconsistent, type MemoryModel, type ModelVerdict } from '../model.js';

/**
 * Sequential consistency (Lamport 1979; explanation.txt §4 A SELECTION OF MEMORY MODELS): one
 * global order of every event that agrees with each thread's program order, each read reading the
 * latest write before it, i.e. po ∪ rf ∪ co ∪ fr acyclic; read-modify-writes atomic; locks
 * mutually exclusive (spin_lock()'s read and write are an atomic pair on the lock, whose coherence
 * order is the order of the critical sections); grace periods still wait for the read-side critical
 * sections that began before them.
 */
export const scModel: MemoryModel = {
  name: 'sc',
  check(graph: ExecutionGraph): ModelVerdict {
    const b = new BaseRelations(graph);
    if (!atomic(b)) return inconsistent('atomic');
    const order = b.po.union(b.com);
    return acyclicWithGracePeriods(graph, order) ? consistent : inconsistent('sc');
  },
};
