import type { AnyModel } from '../model.js';
import { SimObject } from '../sim-object.js';
import { GHOST_ID } from './footprint.js';

/**
 * Which shared objects the model's state invariants (those checked after every step) read: an
 * invariant is evaluated on a recording proxy of the state, and every `SimObject` reached is
 * added to `into` (a plain field read adds `GHOST_ID`). Returns true when `into` grew.
 *
 * DPOR preserves final states, not the intermediate states an invariant looks at: it checks the
 * invariants at every consistent cut of each trace, and names a cut's state by what these objects
 * hold there (`cut-invariants.ts`), so no step is made dependent on another for them. The set is
 * learnt from the states checked; the explorer restarts whenever it grows, so at the end every
 * invariant read seen in any checked state is in it. (A read that only an unchecked state would
 * reach cannot be seen: that is the one assumption, and the generated-model test checks it
 * against plain DFS.)
 */
export function recordInvariantReads(model: AnyModel, state: unknown, into: Set<number>): boolean {
  const before = into.size;
  const proxies = new WeakMap<object, unknown>();
  const wrap = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof SimObject) {
      into.add(v.id);
      return v;
    }
    const known = proxies.get(v);
    if (known) return known;
    const builtin = v instanceof Map || v instanceof Set || v instanceof WeakMap || v instanceof WeakSet || v instanceof Date;
    const proxy = new Proxy(v, {
      get(target, prop, receiver) {
        const x = Reflect.get(target, prop, builtin ? target : receiver);
        if (typeof x === 'function') {
          return (...args: unknown[]) => wrap(Reflect.apply(x as (...a: unknown[]) => unknown, builtin ? target : receiver, args));
        }
        if (x === null || typeof x !== 'object') {
          // A plain value in the state, in an object or an array (a ghost list of what readers saw).
          if (typeof prop === 'string') into.add(GHOST_ID);
          return x;
        }
        return wrap(x);
      },
    });
    proxies.set(v, proxy);
    return proxy;
  };
  const watched = wrap(state);
  for (const inv of model.invariants) {
    if (inv.at === 'end') continue;
    try {
      if (inv.when && !inv.when(watched)) continue;
      inv.check(watched);
    } catch {
      // The run itself reports a throwing check; here only the reads matter.
    }
  }
  return into.size > before;
}
