import type { ExecutionGraph } from '../../exec/graph.js';
import type { EventSet } from '../../relation/event-set.js';
import type { Relation } from '../../relation/relation.js';
import { BaseRelations } from '../common/base-relations.js';

/**
 * The relations of one graph under the LKMM, computed on demand and cached: each group of
 * relations lives in its own file (sets.ts, dependencies.ts, fences.ts, ...) as functions of this
 * context. Value-independent relations are shared by every graph of the same shape.
 */
export class LkmmContext extends BaseRelations {
  constructor(graph: ExecutionGraph) {
    super(graph);
  }

  /** A per-graph cached relation. */
  cached(key: string, make: () => Relation): Relation {
    return this.once(key, make);
  }

  /**
   * A relation (or set) that does not depend on reads-from or coherence. Its key is a literal
   * (`lkmm:...`, apart from the other models' keys on the same skeleton), not built for each call.
   */
  staticRel<T extends Relation | EventSet | object>(key: `lkmm:${string}`, make: () => T): T {
    return this.shared(key, make);
  }
}
