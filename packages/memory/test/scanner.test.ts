import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IToken } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { chevrotain } from '../src/litmus/chevrotain.js';
import { lexerDefinition } from '../src/litmus/lexer.js';
import { scanLitmus } from '../src/litmus/scanner.js';

// The hand-written lexer against chevrotain's lexer built from the token definitions: the same
// tokens, comments and first error, on every corpus test and on many corrupted copies of them.

const corpus = join(dirname(fileURLToPath(import.meta.url)), '../corpus');
const texts = readdirSync(corpus).filter((f) => f.endsWith('.litmus')).sort().map((f) => readFileSync(join(corpus, f), 'utf8'));
const reference = new chevrotain.Lexer(lexerDefinition, { positionTracking: 'full', ensureOptimizations: false });

const shape = (t: IToken) => [t.tokenType.name, t.image, t.startOffset, t.endOffset, t.startLine, t.startColumn, t.endLine, t.endColumn];

function expectSameAsChevrotain(text: string): void {
  const ours = scanLitmus(text);
  const theirs = reference.tokenize(text);
  const error = theirs.errors[0];
  const before = (t: IToken) => error === undefined || t.startOffset < error.offset;
  expect(ours.tokens.map(shape), text).toEqual(theirs.tokens.filter(before).map(shape));
  expect(ours.comments.map(shape), text).toEqual(((theirs.groups['comments'] ?? []) as IToken[]).filter(before).map(shape));
  expect(ours.error, text).toEqual(error && { offset: error.offset, length: error.length, line: error.line, column: error.column });
}

/** A small deterministic generator (an LCG) of corruptions: the same copies on every run. */
function corruptions(text: string, count: number, seed: number): string[] {
  let state = seed;
  const next = (bound: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % bound;
  };
  const junk = ['$', '@', '\\', '"', '(*', '*)', '/*', '//', '\r', '\r\n', '\n', 'C ', 'C\n', '0x', '0x1f', '/\\', '\\/', '==', '!', '&&', '||', '\u00a0', 'é', '`', '.', 'while', 'iffy'];
  return Array.from({ length: count }, () => {
    const at = next(text.length + 1);
    const cut = next(4);
    return `${text.slice(0, at)}${junk[next(junk.length)]}${text.slice(at + cut)}`;
  });
}

describe('scanLitmus', () => {
  it('gives the tokens and comments chevrotain gives on every corpus test', () => {
    expect(texts.length).toBeGreaterThanOrEqual(80);
    for (const text of texts) expectSameAsChevrotain(text);
  });

  it('gives the same tokens and the same first error on corrupted tests', () => {
    texts.forEach((text, i) => {
      for (const bad of corruptions(text, 12, i + 1)) expectSameAsChevrotain(bad);
    });
    for (const text of ['', 'C', 'C\n', 'C t', '  X86 t', '(* open', 'C t\n{ "open\n}', 'C t (* a *) { x = 0x; }', 'C\tt\r\n{}\r\rP0() {}']) expectSameAsChevrotain(text);
  });
});
