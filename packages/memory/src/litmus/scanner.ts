import type { IToken, TokenType } from 'chevrotain';
import * as T from './lexer.js';

// The lexer of the C litmus format, written by hand: it gives the tokens (types, images, offsets,
// lines and columns) that a chevrotain Lexer built from lexer.ts's `lexerDefinition` gives, and
// its first error at the same place (test/scanner.test.ts compares the two), for the chevrotain
// parser to read. By hand because building chevrotain's lexer and running it took ~40% of reading
// the corpus: a test has few tokens, and a switch on the next character finds each one at once.

/** Where the first character that starts no token is, and how many such characters follow. */
export interface ScanError {
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

export interface Scanned {
  /** The tokens the parser reads, up to the first error. */
  readonly tokens: IToken[];
  /** Comments (`(* *)`, `/* *\/`, `//`), in order. */
  readonly comments: IToken[];
  readonly error?: ScanError;
}

const KEYWORDS = new Map<string, TokenType>([
  ['if', T.If], ['else', T.Else], ['exists', T.Exists], ['forall', T.Forall], ['filter', T.Filter],
  ['locations', T.Locations], ['struct', T.Struct], ['true', T.True], ['false', T.False],
  ['while', T.Loop], ['for', T.Loop], ['do', T.Loop], ['goto', T.Loop],
]);

/** Tokens of one character that no longer token starts with (`/`, `\`, `=`, `!`, `<`, `>`, `&`, `|` are handled apart). */
const SINGLE = new Map<number, TokenType>(
  ([
    ['(', T.LParen], [')', T.RParen], ['{', T.LBrace], ['}', T.RBrace], ['[', T.LBracket], [']', T.RBracket],
    [';', T.Semi], [',', T.Comma], [':', T.Colon], ['~', T.Tilde], ['+', T.Plus], ['-', T.Minus],
    ['*', T.Star], ['%', T.Percent], ['^', T.Caret],
  ] as const).map(([c, t]) => [c.charCodeAt(0), t]),
);

/** Two-character tokens by their first character, then the one-character token of that character. */
const PAIRS = new Map<number, readonly [string, TokenType, TokenType | null]>([
  ['='.charCodeAt(0), ['==', T.EqEq, T.Assign]],
  ['!'.charCodeAt(0), ['!=', T.NotEq, T.Bang]],
  ['<'.charCodeAt(0), ['<=', T.LessEq, T.Less]],
  ['>'.charCodeAt(0), ['>=', T.GreaterEq, T.Greater]],
  ['&'.charCodeAt(0), ['&&', T.AndAnd, T.Amp]],
  ['|'.charCodeAt(0), ['||', T.OrOr, T.Pipe]],
  ['\\'.charCodeAt(0), ['\\/', T.Or, null]],
]);

/** JavaScript's `\s`, the blank of the lexer definition's patterns. */
const isSpace = (c: string): boolean => {
  const code = c.charCodeAt(0);
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  return code >= 128 && /\s/.test(c);
};
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

type Mode = 'start' | 'name' | 'main';

/** A match at `at`: the token type (null for skipped space) or 'comment', and its length; undefined for none. */
type Match = { readonly type: TokenType | null | 'comment'; readonly length: number } | undefined;

function matchStart(text: string, at: number): Match {
  const space = matchSpace(text, at);
  if (space) return space;
  const comment = matchComment(text, at);
  if (comment) return comment;
  if (text[at] === 'C' && at + 1 < text.length && isSpace(text[at + 1]!)) return { type: T.ArchC, length: 1 };
  return undefined;
}

function matchName(text: string, at: number): Match {
  let end = at;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  if (end > at) return { type: null, length: end - at };
  while (end < text.length && !isSpace(text[end]!)) end++;
  return end > at ? { type: T.TestName, length: end - at } : undefined;
}

function matchSpace(text: string, at: number): Match {
  let end = at;
  while (end < text.length && isSpace(text[end]!)) end++;
  return end > at ? { type: null, length: end - at } : undefined;
}

function matchComment(text: string, at: number): Match {
  const two = text.slice(at, at + 2);
  if (two === '(*' || two === '/*') {
    const close = text.indexOf(two === '(*' ? '*)' : '*/', at + 2);
    return close < 0 ? undefined : { type: 'comment', length: close + 2 - at };
  }
  if (two === '//') {
    const nl = text.indexOf('\n', at);
    return { type: 'comment', length: (nl < 0 ? text.length : nl) - at };
  }
  return undefined;
}

function matchMain(text: string, at: number): Match {
  const space = matchSpace(text, at);
  if (space) return space;
  const comment = matchComment(text, at);
  if (comment) return comment;
  const c = text.charCodeAt(at);
  if (isIdentStart(c)) {
    let end = at + 1;
    while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
    return { type: KEYWORDS.get(text.slice(at, end)) ?? T.Identifier, length: end - at };
  }
  if (isDigit(c)) {
    let end = at + 1;
    if (c === 48 && (text[end] === 'x' || text[end] === 'X') && isHex(text.charCodeAt(end + 1))) {
      end += 2;
      while (end < text.length && isHex(text.charCodeAt(end))) end++;
    } else {
      while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    }
    return { type: T.Number, length: end - at };
  }
  if (c === 34) {
    for (let end = at + 1; end < text.length; end++) {
      if (text[end] === '"') return { type: T.StringLit, length: end + 1 - at };
      if (text[end] === '\n') break;
    }
    return undefined;
  }
  if (c === 47) return { type: text[at + 1] === '\\' ? T.And : T.Slash, length: text[at + 1] === '\\' ? 2 : 1 };
  const pair = PAIRS.get(c);
  if (pair) {
    const [two, long, short] = pair;
    if (text.startsWith(two, at)) return { type: long, length: 2 };
    return short ? { type: short, length: 1 } : undefined;
  }
  const single = SINGLE.get(c);
  return single ? { type: single, length: 1 } : undefined;
}

const MATCHERS: Record<Mode, (text: string, at: number) => Match> = { start: matchStart, name: matchName, main: matchMain };

/** The tokens of `text`, as chevrotain's lexer over `lexerDefinition` gives them, up to the first error. */
export function scanLitmus(text: string): Scanned {
  const tokens: IToken[] = [];
  const comments: IToken[] = [];
  let mode: Mode = 'start';
  let offset = 0;
  let line = 1;
  let column = 1;
  while (offset < text.length) {
    const match = MATCHERS[mode](text, offset);
    if (!match) {
      let end = offset + 1;
      while (end < text.length && !MATCHERS[mode](text, end)) end++;
      return { tokens, comments, error: { offset, length: end - offset, line, column } };
    }
    const { type, length } = match;
    let token: IToken | undefined;
    if (type !== null) {
      const image = text.slice(offset, offset + length);
      const tokenType = type === 'comment' ? commentType(image) : type;
      token = {
        image, startOffset: offset, endOffset: offset + length - 1, startLine: line, endLine: line,
        startColumn: column, endColumn: column + length - 1, tokenTypeIdx: tokenType.tokenTypeIdx!, tokenType,
      };
      (type === 'comment' ? comments : tokens).push(token);
      if (type === T.ArchC) mode = 'name';
      else if (type === T.TestName) mode = 'main';
    }
    // Line breaks count in space and block comments only, as in the lexer definition (`line_breaks`).
    if (type === null || (type === 'comment' && text[offset + 1] === '*')) {
      const advanced = advance(text, offset, length, line, column);
      if (token && advanced.line !== line) {
        // A comment ends with `)` or `/`, never a line break: its end is just before the column reached.
        token.endLine = advanced.line;
        token.endColumn = advanced.column - 1;
      }
      line = advanced.line;
      column = advanced.column;
    } else {
      column += length;
    }
    offset += length;
  }
  return { tokens, comments };
}

function commentType(image: string): TokenType {
  return image.startsWith('(*') ? T.OcamlComment : image.startsWith('/*') ? T.BlockComment : T.LineComment;
}

/** Line and column after `length` characters from `offset`, counting `\n`, `\r\n` and `\r` as line breaks. */
function advance(text: string, offset: number, length: number, line: number, column: number): { line: number; column: number } {
  let lastBreakEnd = -1;
  let breaks = 0;
  for (let i = offset; i < offset + length; i++) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n' && i + 1 < offset + length) i++;
      breaks++;
      lastBreakEnd = i;
    }
  }
  if (breaks === 0) return { line, column: column + length };
  return { line: line + breaks, column: offset + length - lastBreakEnd };
}
