import type { IToken, TokenType, IParserErrorMessageProvider } from 'chevrotain';
import { chevrotain } from './chevrotain.js';
import type { AtomValue, BinaryOp, Expr, InitItem, LitmusAst, LocRef, Param, Prop, Quantifier, Stmt, ThreadAst, TypeName } from './ast.js';
import type { SourcePos } from './litmus-error.js';
import { groupByPrecedence } from './binary-expression.js';
import * as T from './lexer.js';

// The grammar of a C litmus test (the format of herd7 and the kernel's tools/memory-model), as a
// chevrotain parser whose rules build the syntax tree of ast.ts directly.

/** Type words that start a declaration inside a thread body. */
const TYPE_WORDS = new Set([
  'int', 'long', 'unsigned', 'signed', 'char', 'short', 'void', 'bool', 'intptr_t', 'uintptr_t',
  'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'atomic_t', 'atomic_long_t', 'spinlock_t', 'size_t',
]);

const pos = (t: IToken): SourcePos => ({ line: t.startLine ?? 1, col: t.startColumn ?? 1 });

const describe = (t: TokenType): string => {
  const p = t.PATTERN;
  if (t === chevrotain.EOF) return 'end of input';
  if (t === T.Identifier) return 'a name';
  if (t === T.Number) return 'a number';
  if (t === T.TestName) return 'a test name';
  if (t === T.ArchC) return "'C'";
  if (p instanceof RegExp) return `'${p.source.replace(/\(\?!.*$/, '').replace(/\\/g, '')}'`;
  return t.name;
};
const found = (t: IToken): string => (t.tokenType === chevrotain.EOF ? 'end of input' : `'${t.image}'`);

/** One-line messages (chevrotain's own span several lines). */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${describe(expected)} but found ${found(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${found(firstRedundant)} after the final condition`,
  buildNoViableAltMessage: ({ actual, ruleName }) => `unexpected ${found(actual[0] as IToken)} in ${ruleLabel(ruleName)}`,
  buildEarlyExitMessage: ({ actual, ruleName }) => `unexpected ${found(actual[0] as IToken)} in ${ruleLabel(ruleName)}`,
};
function ruleLabel(rule: string): string {
  const labels: Record<string, string> = {
    statement: 'a statement', unary: 'an expression', propNot: 'the final condition', initItem: 'the initial state', propAtom: 'the final condition',
    quantifier: "the final condition (exists, ~exists or forall)", locRef: 'a location', atomValue: 'a value', typeAndName: 'a declaration',
  };
  return labels[rule] ?? rule;
}

interface TypedName {
  readonly type: TypeName | null;
  readonly name: string;
  readonly pointer: number;
  readonly pos: SourcePos;
}

class LitmusParser extends chevrotain.EmbeddedActionsParser {
  constructor() {
    // Grammar validations run in the tests (test/parser.test.ts builds a validating parser); at start they cost ~0.2 s.
    // One token of lookahead (the gates settle the rest) keeps the lookahead analysis at start short.
    super(T.allTokens, { errorMessageProvider: messages, maxLookahead: 1, skipValidations: !validateGrammar });
    this.performSelfAnalysis();
  }

  readonly litmus = this.RULE('litmus', (): LitmusAst => {
    this.CONSUME(T.ArchC);
    const name = this.CONSUME(T.TestName).image;
    this.OPTION(() => this.CONSUME(T.StringLit));
    const init = this.SUBRULE(this.initState);
    const threads: ThreadAst[] = [];
    this.MANY(() => threads.push(this.SUBRULE(this.thread)));
    const locations: LocRef[] = [];
    let filter: Prop | null = null;
    this.MANY2(() =>
      this.OR([
        { ALT: () => this.pushAll(locations, this.SUBRULE(this.locationsClause)) },
        { ALT: () => { this.CONSUME(T.Filter); filter = this.SUBRULE(this.prop); } },
      ]),
    );
    const qTok = this.LA(1);
    const quantifier = this.SUBRULE(this.quantifier);
    const condition = this.SUBRULE2(this.prop);
    this.MANY3(() => this.pushAll(locations, this.SUBRULE2(this.locationsClause)));
    return { name, header: '', init, threads, locations, filter, quantifier, condition, conditionPos: pos(qTok) };
  });

  private readonly initState = this.RULE('initState', (): InitItem[] => {
    const items: InitItem[] = [];
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      items.push(this.SUBRULE(this.initItem));
      this.OPTION(() => this.CONSUME(T.Semi));
    });
    this.CONSUME(T.RBrace);
    return items;
  });

  private readonly initItem = this.RULE('initItem', (): InitItem => {
    return this.OR([
      {
        // `0:r1=x;` a register's initial value
        ALT: () => {
          const t = this.CONSUME(T.Number);
          this.CONSUME(T.Colon);
          const name = this.CONSUME(T.Identifier).image;
          this.CONSUME(T.Assign);
          const value = this.SUBRULE(this.expression);
          return { type: null, thread: Number(t.image), name, pointer: 0, value, pos: pos(t) };
        },
      },
      {
        ALT: () => {
          const d = this.SUBRULE(this.typeAndName);
          let value: Expr | null = null;
          this.OPTION(() => {
            this.CONSUME2(T.Assign);
            value = this.SUBRULE2(this.expression);
          });
          return { type: d.type, thread: null, name: d.name, pointer: d.pointer, value, pos: d.pos };
        },
      },
    ]);
  });

  /** `int *x`, `spinlock_t s`, `struct srcu_struct *ss`, `x`, `unsigned long r0`. */
  private readonly typeAndName = this.RULE('typeAndName', (): TypedName => {
    const words: IToken[] = [];
    let isStruct = false;
    this.OPTION(() => {
      words.push(this.CONSUME(T.Struct));
      isStruct = true;
    });
    this.AT_LEAST_ONE(() => words.push(this.CONSUME(T.Identifier)));
    let stars = 0;
    this.MANY(() => {
      this.CONSUME(T.Star);
      stars++;
    });
    let after: IToken | null = null;
    this.OPTION2(() => (after = this.CONSUME2(T.Identifier)));
    const first = words[0] as IToken;
    if (this.RECORDING_PHASE) return { type: null, name: '', pointer: 0, pos: pos(first) };
    const nameTok: IToken = after ?? (words.pop() as IToken);
    const type = words.length > 0 ? { name: words.map((w) => w.image).join(' '), pos: pos(first) } : null;
    if (!after && stars > 0) this.fail(nameTok, `expected a name after '*'`);
    if (isStruct && words.length < 2) this.fail(nameTok, `expected a name after 'struct ${nameTok.image}'`);
    return { type, name: nameTok.image, pointer: stars, pos: pos(nameTok) };
  });

  private readonly thread = this.RULE('thread', (): ThreadAst => {
    const t = this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    const params: Param[] = [];
    this.OPTION(() => {
      params.push(this.SUBRULE(this.param));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        params.push(this.SUBRULE2(this.param));
      });
    });
    this.CONSUME(T.RParen);
    this.CONSUME(T.LBrace);
    const body: Stmt[] = [];
    this.MANY2(() => this.pushAll(body, this.SUBRULE(this.statement)));
    this.CONSUME(T.RBrace);
    if (this.RECORDING_PHASE) return { id: 0, params, body, pos: pos(t) };
    const m = /^P(\d+)$/.exec(t.image);
    if (!m) this.fail(t, `expected a thread name P0, P1, ... but found '${t.image}'`);
    return { id: Number(m?.[1]), params: params.filter((p) => !(p.type.name === 'void' && p.name === 'void')), body, pos: pos(t) };
  });

  private readonly param = this.RULE('param', (): Param => {
    const d = this.SUBRULE(this.typeAndName);
    if (this.RECORDING_PHASE) return { type: { name: '', pos: d.pos }, name: '', pointer: 0, pos: d.pos };
    // `void` alone: a thread without parameters.
    return { type: d.type ?? { name: d.name, pos: d.pos }, name: d.name, pointer: d.pointer, pos: d.pos };
  });

  /** One statement; a declaration of several names gives several. */
  private readonly statement = this.RULE('statement', (): Stmt[] => {
    return this.OR([
      { GATE: () => this.startsDeclaration(), ALT: () => this.SUBRULE(this.declaration) },
      {
        ALT: () => {
          const t = this.CONSUME(T.LBrace);
          const body: Stmt[] = [];
          this.MANY(() => this.pushAll(body, this.SUBRULE(this.statement)));
          this.CONSUME(T.RBrace);
          return [{ kind: 'block', body, pos: pos(t) } as Stmt];
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.If);
          this.CONSUME(T.LParen);
          const cond = this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
          const then = this.SUBRULE2(this.statement);
          let otherwise: Stmt[] = [];
          this.OPTION(() => {
            this.CONSUME(T.Else);
            otherwise = this.SUBRULE3(this.statement);
          });
          return [{ kind: 'if', cond, then, otherwise, pos: pos(t) } as Stmt];
        },
      },
      { ALT: () => { this.CONSUME(T.Semi); return []; } },
      {
        ALT: () => {
          const start = this.LA(1);
          const target = this.SUBRULE2(this.expression);
          let value: Expr | null = null;
          this.OPTION2(() => {
            this.CONSUME(T.Assign);
            value = this.SUBRULE3(this.expression);
          });
          this.CONSUME2(T.Semi);
          const p = pos(start);
          return [value ? ({ kind: 'assign', target, value, pos: p } as Stmt) : ({ kind: 'expr', expr: target, pos: p } as Stmt)];
        },
      },
    ]);
  });

  private startsDeclaration(): boolean {
    const t = this.LA(1);
    return t.tokenType === T.Struct || (t.tokenType === T.Identifier && TYPE_WORDS.has(t.image));
  }

  /** `int r0;`, `int r0 = 1, r1;`, `int *r0;` */
  private readonly declaration = this.RULE('declaration', (): Stmt[] => {
    const out: Stmt[] = [];
    const first = this.SUBRULE(this.typeAndName);
    const declarator = (name: string, pointer: number, p: SourcePos): void => {
      let init: Expr | null = null;
      this.OPTION(() => {
        this.CONSUME(T.Assign);
        init = this.SUBRULE(this.expression);
      });
      out.push({ kind: 'decl', name, pointer, init, pos: p });
    };
    declarator(first.name, first.pointer, first.pos);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      let stars = 0;
      this.MANY2(() => {
        this.CONSUME(T.Star);
        stars++;
      });
      const n = this.CONSUME(T.Identifier);
      let init: Expr | null = null;
      this.OPTION2(() => {
        this.CONSUME2(T.Assign);
        init = this.SUBRULE2(this.expression);
      });
      out.push({ kind: 'decl', name: n.image, pointer: stars, init, pos: pos(n) });
    });
    this.CONSUME(T.Semi);
    return out;
  });

  /**
   * An expression: unary operands joined by binary operators, read as one flat list and then
   * grouped by C precedence (binary-expression.ts). One rule instead of one per precedence level
   * keeps chevrotain's work per operand small: a litmus test's expressions are mostly one name.
   */
  private readonly expression: () => Expr = this.RULE('expression', (): Expr => {
    const operands: Expr[] = [this.SUBRULE(this.unary)];
    const operators: IToken[] = [];
    this.MANY(() => {
      operators.push(this.CONSUME(T.BinaryOperator));
      operands.push(this.SUBRULE2(this.unary));
    });
    if (this.RECORDING_PHASE) return operands[0]!;
    return groupByPrecedence(operands, operators.map((t) => ({ op: t.image as BinaryOp, pos: pos(t) })));
  });

  /** A prefix operator and its operand, a call, a number, a name, or an expression in parentheses. */
  private readonly unary: () => Expr = this.RULE('unary', (): Expr => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.PrefixOperator);
          const arg = this.SUBRULE(this.unary);
          return { kind: 'unary', op: t.image as '!' | '-' | '~' | '*' | '&', arg, pos: pos(t) } as Expr;
        },
      },
      {
        GATE: () => this.LA(2).tokenType === T.LParen,
        ALT: () => {
          const t = this.CONSUME(T.Identifier);
          this.CONSUME(T.LParen);
          const args: Expr[] = [];
          this.OPTION(() => {
            args.push(this.SUBRULE(this.expression));
            this.MANY(() => {
              this.CONSUME(T.Comma);
              args.push(this.SUBRULE2(this.expression));
            });
          });
          this.CONSUME(T.RParen);
          return { kind: 'call', callee: t.image, args, pos: pos(t) } as Expr;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Number);
          return { kind: 'num', value: Number(t.image), pos: pos(t) } as Expr;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME2(T.Identifier);
          return { kind: 'name', name: t.image, pos: pos(t) } as Expr;
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.LParen);
          const e = this.SUBRULE3(this.expression);
          this.CONSUME2(T.RParen);
          return e;
        },
      },
    ]);
  });

  // The final clause.
  private readonly quantifier = this.RULE('quantifier', (): Quantifier => {
    return this.OR([
      { ALT: () => { this.CONSUME(T.Exists); return 'exists' as Quantifier; } },
      { ALT: () => { this.CONSUME(T.Tilde); this.CONSUME2(T.Exists); return '~exists' as Quantifier; } },
      { ALT: () => { this.CONSUME(T.Forall); return 'forall' as Quantifier; } },
    ]);
  });

  private readonly locationsClause = this.RULE('locationsClause', (): LocRef[] => {
    const out: LocRef[] = [];
    this.CONSUME(T.Locations);
    this.CONSUME(T.LBracket);
    this.MANY(() => {
      out.push(this.SUBRULE(this.locRef));
      this.OPTION(() => this.CONSUME(T.Semi));
    });
    this.CONSUME(T.RBracket);
    return out;
  });

  private readonly prop: () => Prop = this.RULE('prop', (): Prop => {
    let left = this.SUBRULE(this.propConj);
    this.MANY(() => {
      const t = this.CONSUME(T.Or);
      const right = this.SUBRULE2(this.propConj);
      left = { kind: 'or', left, right, pos: pos(t) };
    });
    return left;
  });

  private readonly propConj = this.RULE('propConj', (): Prop => {
    let left = this.SUBRULE(this.propNot);
    this.MANY(() => {
      const t = this.CONSUME(T.And);
      const right = this.SUBRULE2(this.propNot);
      left = { kind: 'and', left, right, pos: pos(t) };
    });
    return left;
  });

  private readonly propNot: () => Prop = this.RULE('propNot', (): Prop => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.Tilde);
          const arg = this.SUBRULE(this.propNot);
          return { kind: 'not', arg, pos: pos(t) } as Prop;
        },
      },
      { ALT: () => this.SUBRULE(this.propAtom) },
    ]);
  });

  private readonly propAtom = this.RULE('propAtom', (): Prop => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const p = this.SUBRULE(this.prop);
          this.CONSUME(T.RParen);
          return p;
        },
      },
      { ALT: () => { const t = this.CONSUME(T.True); return { kind: 'const', value: true, pos: pos(t) } as Prop; } },
      { ALT: () => { const t = this.CONSUME(T.False); return { kind: 'const', value: false, pos: pos(t) } as Prop; } },
      {
        ALT: () => {
          const loc = this.SUBRULE(this.locRef);
          this.OR2([{ ALT: () => this.CONSUME(T.Assign) }, { ALT: () => this.CONSUME(T.EqEq) }]);
          const value = this.SUBRULE(this.atomValue);
          return { kind: 'atom', loc, value, pos: loc.pos } as Prop;
        },
      },
    ]);
  });

  private readonly locRef = this.RULE('locRef', (): LocRef => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.Number);
          this.CONSUME(T.Colon);
          const name = this.CONSUME(T.Identifier).image;
          return { kind: 'reg', thread: Number(t.image), name, pos: pos(t) } as LocRef;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME2(T.Identifier);
          return { kind: 'mem', name: t.image, pos: pos(t) } as LocRef;
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          const t = this.CONSUME3(T.Identifier);
          this.CONSUME(T.RBracket);
          return { kind: 'mem', name: t.image, pos: pos(t) } as LocRef;
        },
      },
    ]);
  });

  private readonly atomValue = this.RULE('atomValue', (): AtomValue => {
    return this.OR([
      { ALT: () => ({ kind: 'num', value: Number(this.CONSUME(T.Number).image) }) as AtomValue },
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          return { kind: 'num', value: -Number(this.CONSUME2(T.Number).image) } as AtomValue;
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.Amp));
          const t = this.CONSUME(T.Identifier);
          return { kind: 'addr', name: t.image, pos: pos(t) } as AtomValue;
        },
      },
    ]);
  });

  /** Appends a sub-rule's list (in the recording phase a sub-rule returns no real list). */
  private pushAll<T>(into: T[], items: T[]): void {
    if (!this.RECORDING_PHASE) into.push(...items);
  }

  /** A semantic error found while parsing: reported like a syntax error, at `t`. */
  private fail(t: IToken, reason: string): void {
    if (!this.semanticError) this.semanticError = { pos: pos(t), reason };
  }

  semanticError: { pos: SourcePos; reason: string } | null = null;
}

/** Whether parsers built from now on check the grammar (for tests). */
let validateGrammar = false;

/** One parser, reused: chevrotain's self-analysis is the costly part. */
export const litmusParser = new LitmusParser();

/** Builds a parser that runs chevrotain's grammar validations; throws on an ambiguous or bad grammar. */
export function validatedParser(): unknown {
  validateGrammar = true;
  try {
    return new LitmusParser();
  } finally {
    validateGrammar = false;
  }
}
