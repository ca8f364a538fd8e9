/**
 * A map from strings that forgets everything once it holds `limit` entries: a cache of what is
 * cheap to keep and costly only to recompute, kept from growing without bound.
 */
export class BoundedMap<V> {
  private readonly items = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    return this.items.get(key);
  }

  set(key: string, value: V): void {
    if (this.items.size >= this.limit) this.items.clear();
    this.items.set(key, value);
  }
}
