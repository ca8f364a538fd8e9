import type { ExecutionGraph, Skeleton } from '../../exec/graph.js';
import { EventSet } from '../../relation/event-set.js';
import { Relation } from '../../relation/relation.js';

// The relations every model starts from (explanation.txt §7 po and po-loc, §10 rf, §11 co, §12
// fr), with herd's `int` (same thread) and `ext` (different threads) splits, computed once per
// graph. The value-independent ones are memoised on the skeleton.

export class BaseRelations {
  readonly graph: ExecutionGraph;
  readonly sk: Skeleton;
  readonly n: number;
  private memo = new Map<string, Relation>();

  constructor(graph: ExecutionGraph) {
    this.graph = graph;
    this.sk = graph.skeleton;
    this.n = graph.skeleton.n;
  }

  /** A per-graph cache. */
  protected once(key: string, make: () => Relation): Relation {
    let r = this.memo.get(key);
    if (!r) {
      r = make();
      this.memo.set(key, r);
    }
    return r;
  }

  /** A cache shared by every graph of the same shape (for value-independent relations). */
  protected shared<T>(key: string, make: () => T): T {
    return this.sk.memoize(key, make);
  }

  get po(): Relation {
    return this.sk.po;
  }

  get poLoc(): Relation {
    return this.shared('po-loc', () => this.sameLocation(this.sk.po));
  }

  get rf(): Relation {
    return this.graph.rf;
  }

  get co(): Relation {
    return this.graph.coRel;
  }

  get fr(): Relation {
    return this.graph.fr;
  }

  /** `co | fr`: the order a write or read puts later writes of its location in. */
  get coFr(): Relation {
    return this.once('co-fr', () => this.co.union(this.fr));
  }

  get com(): Relation {
    return this.once('com', () => this.rf.union(this.co, this.fr));
  }

  /** `r & int`: pairs of one thread. */
  internal(r: Relation): Relation {
    return r.maskRows(this.sk.threadMasks);
  }

  /** `r & ext`: pairs of different threads (an initial write is external to all). */
  external(r: Relation): Relation {
    return r.maskRows(this.sk.threadMasks, true);
  }

  /** `r & loc`: pairs of one location. */
  sameLocation(r: Relation): Relation {
    return r.maskRows(this.sk.locationMasks);
  }

  get rfe(): Relation {
    return this.once('rfe', () => this.external(this.rf));
  }

  get rfi(): Relation {
    return this.once('rfi', () => this.internal(this.rf));
  }

  get coe(): Relation {
    return this.once('coe', () => this.external(this.co));
  }

  get coi(): Relation {
    return this.once('coi', () => this.internal(this.co));
  }

  get fre(): Relation {
    return this.once('fre', () => this.external(this.fr));
  }

  get fri(): Relation {
    return this.once('fri', () => this.internal(this.fr));
  }

  /** herd's `fencerel(S)`: po ; [S] ; po. */
  fencerel(s: EventSet): Relation {
    return this.po.toSet(s).seq(this.po);
  }

  tagged(mask: number): EventSet {
    return this.sk.tagged(mask);
  }

  id(s: EventSet): Relation {
    return Relation.id(s);
  }
}
