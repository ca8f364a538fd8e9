import type { IToken } from 'chevrotain';
import { compileLitmus } from './compile.js';
import { LitmusError } from './litmus-error.js';
import { Loop, LBrace } from './lexer.js';
import { litmusParser } from './parser.js';
import { scanLitmus } from './scanner.js';
import type { LitmusTest } from './program.js';

/**
 * Reads a C litmus test (the format of herd7 and the kernel's `tools/memory-model/`) and compiles
 * it for {@link checkLitmus}.
 *
 * @param text the test's source
 * @param file the name used in error messages (default `<litmus>`)
 * @throws LitmusError on a syntax error, an unknown primitive or name, or a loop
 */
export function parseLitmus(text: string, file = '<litmus>'): LitmusTest {
  const lexed = scanLitmus(text);
  const lexError = lexed.error;
  if (lexError) {
    const bad = text.slice(lexError.offset, lexError.offset + lexError.length).split(/\s/)[0] ?? '';
    const reason = lexed.tokens.length === 0 && !/^C\s/.test(text.trimStart())
      ? `expected 'C <name>' at the start of a C litmus test but found '${bad}'`
      : `unexpected character${bad.length > 1 ? 's' : ''} '${bad}'`;
    throw new LitmusError(file, lexError.line, lexError.column, reason);
  }
  const loop = lexed.tokens.find((t) => t.tokenType === Loop);
  if (loop) throw at(file, loop, `'${loop.image}' is a loop or a jump: litmus tests have none, and kvmrace refuses them as unbounded`);

  litmusParser.input = lexed.tokens;
  litmusParser.semanticError = null;
  const ast = litmusParser.litmus();
  const syntaxError = litmusParser.errors[0];
  if (syntaxError) {
    const t = syntaxError.token;
    const last = lexed.tokens[lexed.tokens.length - 1];
    const atEnd = Number.isNaN(t.startLine ?? Number.NaN) || t.startLine === undefined;
    const line = atEnd ? (last?.endLine ?? 1) : t.startLine!;
    const col = atEnd ? (last?.endColumn ?? 0) + 1 : t.startColumn!;
    throw new LitmusError(file, line, col, syntaxError.message);
  }
  const semantic = litmusParser.semanticError as { pos: { line: number; col: number }; reason: string } | null;
  if (semantic) {
    const { pos, reason } = semantic;
    throw new LitmusError(file, pos.line, pos.col, reason);
  }

  // The header: every comment before the initial state's `{`.
  const initStart = lexed.tokens.find((t) => t.tokenType === LBrace)?.startOffset ?? text.length;
  const header = lexed.comments.filter((c) => c.startOffset < initStart).map((c) => c.image).join('\n');
  return compileLitmus(ast, file, header);
}

function at(file: string, t: IToken, reason: string): LitmusError {
  return new LitmusError(file, t.startLine ?? 1, t.startColumn ?? 1, reason);
}
