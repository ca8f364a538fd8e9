import type { AnyModel } from './model.js';

/** A set of enabled fixes, with the name it was asked for by. */
export interface Variant {
  /** `buggy`, `fixed`, a named variant, or the fixes joined by commas. */
  readonly name: string;
  /** Enabled fixes, in the model's declaration order. */
  readonly fixes: readonly string[];
}

/**
 * Resolves `buggy` (no fixes), `fixed` (all), a model's named variant, or a comma list of fix
 * names. Throws a one-line error naming the unknown fix.
 */
export function resolveVariant(model: AnyModel, spec: string): Variant {
  if (spec === 'buggy' || spec === 'none' || spec === '') return { name: 'buggy', fixes: [] };
  if (spec === 'fixed' || spec === 'all') return { name: 'fixed', fixes: [...model.fixNames] };
  const named = model.variants?.[spec];
  if (named) return { name: spec, fixes: model.fixNames.filter((f) => named.includes(f)) };
  const asked = spec.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of asked) {
    if (!model.fixNames.includes(f)) {
      const known = model.fixNames.length ? model.fixNames.join(', ') : 'none';
      throw new VariantError(`unknown fix '${f}' for model '${model.name}' (fixes: ${known}; or buggy, fixed)`);
    }
  }
  const fixes = model.fixNames.filter((f) => asked.includes(f));
  return { name: variantName(model, fixes), fixes };
}

/** The canonical name of a set of fixes: buggy, fixed, or the list. */
export function variantName(model: AnyModel, fixes: readonly string[]): string {
  if (fixes.length === 0) return 'buggy';
  if (fixes.length === model.fixNames.length) return 'fixed';
  return model.fixNames.filter((f) => fixes.includes(f)).join(',');
}

/** A bad variant on the command line or in a token. */
export class VariantError extends Error {
  override readonly name = 'VariantError';
}
