/**
 * A set of strings that forgets everything once it holds `limit` of them: a cache of facts that
 * are cheap to have and costly only to recompute, kept from growing without bound.
 */
export class BoundedSet {
  private readonly items = new Set<string>();

  constructor(private readonly limit: number) {}

  has(item: string): boolean {
    return this.items.has(item);
  }

  add(item: string): void {
    if (this.items.size >= this.limit) this.items.clear();
    this.items.add(item);
  }
}
