import type { AnyModel } from './model.js';

/** What a variant is: the code before the fix, the fix as merged, a posted proposal, or any other set of toggles. */
export type VariantRole = 'buggy' | 'upstream' | 'proposal' | 'all' | 'named' | 'custom';

/** A set of enabled fixes, with the name it was asked for by. */
export interface Variant {
  /** `buggy`, `upstream`, `all`, a proposal's or named variant's name, or the fixes joined by commas. */
  readonly name: string;
  /** Enabled fixes, in the model's declaration order. */
  readonly fixes: readonly string[];
  /** What the variant is. */
  readonly role: VariantRole;
}

/**
 * Resolves a variant as asked on the command line or in a test: `buggy` (no fixes; `none` too),
 * `upstream` (the hunks as merged; `fixed` is a synonym), `all` (every toggle), a model's proposal
 * or named variant, or a comma list of fix names. Throws a one-line `VariantError` for anything
 * else, saying what was wrong.
 */
export function resolveVariant(model: AnyModel, spec: string): Variant {
  const asked = spec.trim();
  if (asked === '') throw new VariantError(`empty variant for model '${model.name}' (give ${choices(model)})`);
  if (asked === 'buggy' || asked === 'none') return { name: 'buggy', fixes: [], role: 'buggy' };
  if (asked === 'upstream' || asked === 'fixed') return { name: 'upstream', fixes: [...model.upstreamFixes], role: 'upstream' };
  if (asked === 'all') return { name: 'all', fixes: [...model.fixNames], role: 'all' };
  const proposal = model.proposals?.[asked];
  if (proposal) return { name: asked, fixes: inOrder(model, proposal.fixes), role: 'proposal' };
  const named = model.variants?.[asked];
  if (named) return { name: asked, fixes: inOrder(model, named), role: 'named' };
  const parts = asked.split(',').map((s) => s.trim());
  const seen = new Set<string>();
  for (const f of parts) {
    if (f === '') throw new VariantError(`variant '${spec}' has an empty fix name (fixes are joined by single commas)`);
    if (!model.fixNames.includes(f)) {
      if (isVariantName(model, f) && parts.length > 1) {
        throw new VariantError(`'${f}' is a variant, not a fix: a comma list names fixes only (fixes of model '${model.name}': ${model.fixNames.join(', ') || 'none'})`);
      }
      throw new VariantError(`unknown fix '${f}' for model '${model.name}' (${choices(model)})`);
    }
    if (seen.has(f)) throw new VariantError(`variant '${spec}' names fix '${f}' twice`);
    seen.add(f);
  }
  const fixes = inOrder(model, parts);
  return { name: variantName(model, fixes), fixes, role: 'custom' };
}

/**
 * The canonical name of a set of fixes: `buggy`, `upstream`, a proposal's or named variant's
 * name, `all`, or the list joined by commas.
 */
export function variantName(model: AnyModel, fixes: readonly string[]): string {
  if (fixes.length === 0) return 'buggy';
  const same = (set: readonly string[]) => set.length === fixes.length && set.every((f) => fixes.includes(f));
  if (same(model.upstreamFixes)) return 'upstream';
  for (const [name, p] of Object.entries(model.proposals ?? {})) if (same(p.fixes)) return name;
  for (const [name, v] of Object.entries(model.variants ?? {})) if (same(v)) return name;
  if (fixes.length === model.fixNames.length) return 'all';
  return inOrder(model, fixes).join(',');
}

/** Every variant a model has by name, in the order `list` shows them. */
export function namedVariants(model: AnyModel): Variant[] {
  const out: Variant[] = [
    { name: 'buggy', fixes: [], role: 'buggy' },
    { name: 'upstream', fixes: [...model.upstreamFixes], role: 'upstream' },
  ];
  for (const [name, p] of Object.entries(model.proposals ?? {})) out.push({ name, fixes: inOrder(model, p.fixes), role: 'proposal' });
  for (const [name, v] of Object.entries(model.variants ?? {})) out.push({ name, fixes: inOrder(model, v), role: 'named' });
  if (model.fixNames.length !== model.upstreamFixes.length) out.push({ name: 'all', fixes: [...model.fixNames], role: 'all' });
  return out;
}

function isVariantName(model: AnyModel, name: string): boolean {
  return ['buggy', 'none', 'upstream', 'fixed', 'all'].includes(name) || Boolean(model.proposals?.[name]) || Boolean(model.variants?.[name]);
}

function inOrder(model: AnyModel, fixes: readonly string[]): string[] {
  return model.fixNames.filter((f) => fixes.includes(f));
}

function choices(model: AnyModel): string {
  const names = ['buggy', 'upstream', 'all', ...Object.keys(model.proposals ?? {}), ...Object.keys(model.variants ?? {})];
  return `variants: ${names.join(', ')}; fixes: ${model.fixNames.join(', ') || 'none'}`;
}

/** A bad variant on the command line or in a token. */
export class VariantError extends Error {
  override readonly name = 'VariantError';
}
