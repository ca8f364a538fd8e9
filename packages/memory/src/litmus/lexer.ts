import type { TokenType } from 'chevrotain';
import { chevrotain } from './chevrotain.js';

const { createToken, Lexer } = chevrotain;

// The tokens of the C litmus format. Three lexer modes: before the `C` that opens a test, the test's
// name (any run of non-blank characters: `2+2W+once`, `Z6.0+mb+mb+mb`), and the rest.

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });
const InlineSpace = createToken({ name: 'InlineSpace', pattern: /[ \t]+/, group: Lexer.SKIPPED });
/** `(* ... *)`, herd's comment, where kernel tests keep their `Result:` line. */
export const OcamlComment = createToken({ name: 'OcamlComment', pattern: /\(\*[\s\S]*?\*\)/, group: 'comments', line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });

export const ArchC = createToken({ name: 'ArchC', pattern: /C(?=\s)/, push_mode: 'name' });
export const TestName = createToken({ name: 'TestName', pattern: /[^\s]+/, push_mode: 'main' });

/** Every binary operator of expressions (a category: the parser reads any of them in one place). */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA });
const binary = { categories: [BinaryOperator] };
/** Every prefix operator (`!`, `-`, `~`, `*`, `&`): a category too. */
export const PrefixOperator = createToken({ name: 'PrefixOperator', pattern: Lexer.NA });
const prefix = { categories: [PrefixOperator] };
const both = { categories: [BinaryOperator, PrefixOperator] };

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const keyword = (name: string, word: string): TokenType =>
  createToken({ name, pattern: new RegExp(`${word}(?![A-Za-z0-9_])`), longer_alt: Identifier });
export const If = keyword('If', 'if');
export const Else = keyword('Else', 'else');
export const Exists = keyword('Exists', 'exists');
export const Forall = keyword('Forall', 'forall');
export const Filter = keyword('Filter', 'filter');
export const Locations = keyword('Locations', 'locations');
export const Struct = keyword('Struct', 'struct');
export const True = keyword('True', 'true');
export const False = keyword('False', 'false');
/** Loops and jumps: a litmus test has none, and kvmrace refuses them as unbounded. */
export const Loop = createToken({ name: 'Loop', pattern: /(?:while|for|do|goto)(?![A-Za-z0-9_])/, longer_alt: Identifier });

export const Number = createToken({ name: 'Number', pattern: /0[xX][0-9a-fA-F]+|\d+/ });
export const StringLit = createToken({ name: 'StringLit', pattern: /"[^"\n]*"/ });

export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const Semi = createToken({ name: 'Semi', pattern: /;/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const And = createToken({ name: 'And', pattern: /\/\\/ });
export const Or = createToken({ name: 'Or', pattern: /\\\// });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, ...binary });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, ...binary });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, ...binary });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, ...binary });
export const Less = createToken({ name: 'Less', pattern: /</, ...binary });
export const Greater = createToken({ name: 'Greater', pattern: />/, ...binary });
export const AndAnd = createToken({ name: 'AndAnd', pattern: /&&/, ...binary });
export const OrOr = createToken({ name: 'OrOr', pattern: /\|\|/, ...binary });
export const Assign = createToken({ name: 'Assign', pattern: /=/ });
export const Bang = createToken({ name: 'Bang', pattern: /!/, ...prefix });
export const Tilde = createToken({ name: 'Tilde', pattern: /~/, ...prefix });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, ...binary });
export const Minus = createToken({ name: 'Minus', pattern: /-/, ...both });
export const Star = createToken({ name: 'Star', pattern: /\*/, ...both });
export const Slash = createToken({ name: 'Slash', pattern: /\//, ...binary });
export const Percent = createToken({ name: 'Percent', pattern: /%/, ...binary });
export const Amp = createToken({ name: 'Amp', pattern: /&/, ...both });
export const Pipe = createToken({ name: 'Pipe', pattern: /\|/, ...binary });
export const Caret = createToken({ name: 'Caret', pattern: /\^/, ...binary });

const comments = [OcamlComment, BlockComment, LineComment];

/** Every token of the main mode, in matching order (longer first). */
export const mainTokens: TokenType[] = [
  WhiteSpace, ...comments,
  If, Else, Exists, Forall, Filter, Locations, Struct, True, False, Loop, Identifier,
  Number, StringLit,
  LParen, RParen, LBrace, RBrace, LBracket, RBracket, Semi, Comma, Colon,
  And, Or, EqEq, NotEq, LessEq, GreaterEq, AndAnd, OrOr, Less, Greater, Assign, Bang, Tilde,
  Plus, Minus, Star, Slash, Percent, Amp, Pipe, Caret,
];

/** Every token type the parser may see. */
export const allTokens: TokenType[] = [ArchC, TestName, ...mainTokens, BinaryOperator, PrefixOperator];

/**
 * The lexer's modes: the definition of the tokens. scanner.ts lexes by hand to the same tokens (a
 * test compares it with a chevrotain Lexer built from this).
 */
export const lexerDefinition = {
  modes: {
    start: [WhiteSpace, ...comments, ArchC],
    name: [InlineSpace, TestName],
    main: mainTokens,
  },
  defaultMode: 'start',
};
