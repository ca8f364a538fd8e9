import type { Prop } from './ast.js';

// A proposition of the final clause as text, normalised: `0:r0=0 /\ 1:r0=0`, an `\/` inside an
// `/\` in parentheses, `~` before an atom or a parenthesised proposition.

export function formatProp(p: Prop, _locationNames: readonly string[]): string {
  switch (p.kind) {
    case 'atom': {
      const loc = p.loc.kind === 'reg' ? `${p.loc.thread}:${p.loc.name}` : p.loc.name;
      const value = p.value.kind === 'num' ? String(p.value.value) : p.value.name;
      return `${loc}=${value}`;
    }
    case 'const':
      return p.value ? 'true' : 'false';
    case 'not':
      return p.arg.kind === 'atom' || p.arg.kind === 'const' ? `~${formatProp(p.arg, _locationNames)}` : `~(${formatProp(p.arg, _locationNames)})`;
    case 'and':
      return [p.left, p.right].map((q) => (q.kind === 'or' ? `(${formatProp(q, _locationNames)})` : formatProp(q, _locationNames))).join(' /\\ ');
    case 'or':
      return `${formatProp(p.left, _locationNames)} \\/ ${formatProp(p.right, _locationNames)}`;
  }
}
