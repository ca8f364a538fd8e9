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

// Runs of characters are matched by sticky regular expressions (native code, where a loop over
// characters would run in the interpreter for most of a short process); punctuation by its code.
const SPACE = /\s+/y;
const INLINE_SPACE = /[ \t]+/y;
const NON_SPACE = /\S+/y;
const IDENT_PART = /[A-Za-z0-9_]*/y;
const DIGITS = /[0-9]*/y;
const HEX_DIGITS = /[0-9a-fA-F]+/y;

/** Where the run `re` matches at `at` ends (`at` when it does not match). */
function runEnd(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  return re.test(text) ? re.lastIndex : at;
}

const isSpace = (code: number): boolean =>
  code === 32 || (code >= 9 && code <= 13) || (code >= 128 && /\s/.test(String.fromCharCode(code)));
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

const OPEN_PAREN = 40;
const STAR = 42;
const SLASH = 47;
const QUOTE = 34;

type Mode = 'start' | 'name' | 'main';

/** What a match found: a token type, skipped space (null), or a comment. */
type Found = TokenType | null | 'comment';

/** Matches one token at a time; `found` says what the last match that succeeded found. */
class Matcher {
  found: Found = null;

  constructor(private readonly text: string) {}

  /** The length of the token of `mode` at `at`, 0 for none. */
  match(mode: Mode, at: number): number {
    return mode === 'main' ? this.main(at) : mode === 'start' ? this.start(at) : this.name(at);
  }

  private start(at: number): number {
    const text = this.text;
    const n = this.space(at) || this.comment(at);
    if (n > 0) return n;
    if (text.charCodeAt(at) === 67 && at + 1 < text.length && isSpace(text.charCodeAt(at + 1))) return this.take(T.ArchC, 1);
    return 0;
  }

  private name(at: number): number {
    const text = this.text;
    const blank = runEnd(INLINE_SPACE, text, at);
    if (blank > at) return this.take(null, blank - at);
    const end = runEnd(NON_SPACE, text, at);
    return end > at ? this.take(T.TestName, end - at) : 0;
  }

  private space(at: number): number {
    const end = runEnd(SPACE, this.text, at);
    return end > at ? this.take(null, end - at) : 0;
  }

  private comment(at: number): number {
    const text = this.text;
    const first = text.charCodeAt(at);
    const second = text.charCodeAt(at + 1);
    if ((first === OPEN_PAREN || first === SLASH) && second === STAR) {
      const close = text.indexOf(first === OPEN_PAREN ? '*)' : '*/', at + 2);
      return close < 0 ? 0 : this.take('comment', close + 2 - at);
    }
    if (first === SLASH && second === SLASH) {
      const nl = text.indexOf('\n', at);
      return this.take('comment', (nl < 0 ? text.length : nl) - at);
    }
    return 0;
  }

  private main(at: number): number {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (isIdentStart(c)) {
      const end = runEnd(IDENT_PART, text, at + 1);
      return this.take(KEYWORDS.get(text.slice(at, end)) ?? T.Identifier, end - at);
    }
    const n = this.space(at) || this.comment(at);
    if (n > 0) return n;
    if (isDigit(c)) {
      const hex = c === 48 && (text.charCodeAt(at + 1) | 32) === 120 && isHex(text.charCodeAt(at + 2));
      const end = hex ? runEnd(HEX_DIGITS, text, at + 2) : runEnd(DIGITS, text, at + 1);
      return this.take(T.Number, end - at);
    }
    if (c === QUOTE) {
      for (let end = at + 1; end < text.length; end++) {
        const e = text.charCodeAt(end);
        if (e === QUOTE) return this.take(T.StringLit, end + 1 - at);
        if (e === 10) break;
      }
      return 0;
    }
    if (c === SLASH) return text.charCodeAt(at + 1) === 92 ? this.take(T.And, 2) : this.take(T.Slash, 1);
    const pair = PAIRS.get(c);
    if (pair) {
      const [two, long, short] = pair;
      if (text.charCodeAt(at + 1) === two.charCodeAt(1)) return this.take(long, 2);
      return short ? this.take(short, 1) : 0;
    }
    const single = SINGLE.get(c);
    return single ? this.take(single, 1) : 0;
  }

  private take(found: Found, length: number): number {
    this.found = found;
    return length;
  }
}

/** The tokens of `text`, as chevrotain's lexer over `lexerDefinition` gives them, up to the first error. */
export function scanLitmus(text: string): Scanned {
  const tokens: IToken[] = [];
  const comments: IToken[] = [];
  const matcher = new Matcher(text);
  let mode: Mode = 'start';
  let offset = 0;
  let line = 1;
  let column = 1;
  while (offset < text.length) {
    const length = matcher.match(mode, offset);
    if (length === 0) {
      let end = offset + 1;
      while (end < text.length && matcher.match(mode, end) === 0) end++;
      return { tokens, comments, error: { offset, length: end - offset, line, column } };
    }
    const type = matcher.found;
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
    if (type === null || (type === 'comment' && text.charCodeAt(offset + 1) === STAR)) {
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
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) {
      if (ch === 13 && text.charCodeAt(i + 1) === 10 && i + 1 < offset + length) i++;
      breaks++;
      lastBreakEnd = i;
    }
  }
  if (breaks === 0) return { line, column: column + length };
  return { line: line + breaks, column: offset + length - lastBreakEnd };
}
