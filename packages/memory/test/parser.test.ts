import { describe, expect, it } from 'vitest';
import { LitmusError, parseLitmus, PRIMITIVES } from '../src/index.js';
import { arity, returnsValue } from '../src/litmus/primitives.js';
import { chevrotain } from '../src/litmus/chevrotain.js';
import { lexerDefinition } from '../src/litmus/lexer.js';
import { validatedParser } from '../src/litmus/parser.js';

// The C litmus reader: every form the kernel's tools/memory-model tests use, and errors that name
// file:line:col in one line.

const wrap = (body: string, params = 'int *x, int *y', init = '{}', tail = 'exists (0:r0=0)'): string =>
  `C test\n${init}\nP0(${params})\n{\n${body}\n}\n${tail}\n`;

function errorOf(text: string, file = 'bad.litmus'): LitmusError {
  try {
    parseLitmus(text, file);
  } catch (e) {
    if (e instanceof LitmusError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('the grammar', () => {
  it('passes chevrotain\'s validations (skipped at start for speed)', () => {
    expect(() => validatedParser()).not.toThrow();
    const lexer = new chevrotain.Lexer(lexerDefinition, { positionTracking: 'full', ensureOptimizations: false });
    expect(lexer.lexerDefinitionErrors).toEqual([]);
  });
});

describe('parseLitmus', () => {
  it('reads the name, the header comment, the initial state, threads and the final clause', () => {
    const t = parseLitmus(`C MP+pooncerelease+2+2W
(*
 * Result: Never
 *)
// a line comment
{
	int x = 1;
	int *p = &x;
	q=y;
	atomic_t a = ATOMIC_INIT(3);
	spinlock_t s;
	struct srcu_struct ss;
	0:r1=-2;
}

P0(int *x, int **p, atomic_t *a)
{
	int r0;
	int r2 = 5, *r3;

	r0 = READ_ONCE(*x);
}

P1(int *x, int *y, int **q, spinlock_t *s, struct srcu_struct *ss)
{
	WRITE_ONCE(*y, 1);
}

locations [x; 0:r2;]
filter (0:r0=1 \\/ ~(x=2))
exists (0:r0=1 /\\ (1:r9=0 \\/ p=x) /\\ [y]=1)
`, 'mp.litmus');
    expect(t.name).toBe('MP+pooncerelease+2+2W');
    expect(t.file).toBe('mp.litmus');
    expect(t.header).toContain('Result: Never');
    expect(t.header).toContain('// a line comment');
    const loc = (n: string) => t.locations.find((l) => l.name === n)!;
    expect(loc('x')).toMatchObject({ kind: 'int', init: 1 });
    expect(loc('p').kind).toBe('pointer');
    expect(loc('a')).toMatchObject({ kind: 'atomic', init: 3 });
    expect(loc('s').kind).toBe('spinlock');
    expect(loc('ss').kind).toBe('srcu');
    expect(t.threads).toHaveLength(2);
    expect(t.threads[0]!.registers).toEqual(['r1', 'r0', 'r2', 'r3']);
    expect(t.threads[0]!.registerInit[0]).toBe(-2);
    expect(t.quantifier).toBe('exists');
    expect(t.conditionText).toBe('exists (0:r0=1 /\\ (1:r9=0 \\/ p=x) /\\ y=1)');
    expect(t.filter).not.toBeNull();
    // herd's order of a state's keys: registers by thread, then locations by name.
    expect(t.observed.map((o) => o.key)).toEqual(['0:r0', '0:r2', '1:r9', 'p', 'x', 'y']);
  });

  it('reads ~exists and forall, if/else, blocks, expressions and pointers', () => {
    const t = parseLitmus(wrap(`	int r0;
	int *r1;
	int r2;
	r1 = READ_ONCE(*y);
	r0 = READ_ONCE(*r1);
	if (r0 == 1 && !(r0 != 2) || r0 >= 3) {
		WRITE_ONCE(*x, (r0 + 1) * 2 - r0 % 3 / 1);
	} else if (r0 < 0) {
		r2 = r0 & 1 | r0 ^ 2;
	} else {
		*x = -r0 + ~r2;
	}
	{ r2 = *r1; }
	;`, 'int *x, int **y', '{ y=&x; }', '~exists (0:r0=1)'), 't.litmus');
    expect(t.quantifier).toBe('~exists');
    expect(t.conditionText).toBe('~exists (0:r0=1)');
    expect(parseLitmus(wrap('int r0;', 'int *x', '{}', 'forall (0:r0=0 \\/ 0:r0=1)')).conditionText).toBe('forall (0:r0=0 \\/ 0:r0=1)');
  });

  it('knows every primitive of the table, each with its arguments', () => {
    expect(PRIMITIVES.size).toBeGreaterThan(100);
    for (const [name, p] of PRIMITIVES) {
      const n = arity(p);
      const target = (p.op === 'load' || p.op === 'store') && p.target === 'lval' ? '*x' : p.op.startsWith('srcu') || p.op === 'sync-srcu' ? 'ss' : p.op === 'lock' || p.op === 'unlock' || p.op === 'trylock' ? 's' : 'x';
      const valueFirst = (p.op === 'atomic-noreturn' || p.op === 'atomic-return' || p.op === 'atomic-fetch') && n === 2;
      const args = n === 0 ? [] : valueFirst ? ['1', target] : [target, ...Array.from({ length: n - 1 }, () => '1')];
      const callText = `${name}(${args.join(', ')})`;
      const body = returnsValue(p) ? `int r0;\n\tr0 = ${callText};` : `${callText};`;
      expect(() => parseLitmus(wrap(body, 'int *x, spinlock_t *s, struct srcu_struct *ss')), name).not.toThrow();
    }
  });

  it('places a syntax error at its token, in one line', () => {
    const e = errorOf('C t\n{}\nP0(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x)\n}\nexists (0:r0=0)\n');
    expect(e.message).toBe("bad.litmus:7:1: expected ';' but found '}'");
    expect([e.file, e.line, e.col]).toEqual(['bad.litmus', 7, 1]);
    expect(e.message).not.toContain('\n');
  });

  it('places a bad expression or condition at its token, named in words', () => {
    expect(errorOf(wrap('\tint r0;\n\tr0 = 1 + ;')).message).toBe("bad.litmus:6:11: unexpected ';' in an expression");
    expect(errorOf(wrap('\tWRITE_ONCE(*x, ]);')).message).toBe("bad.litmus:5:17: unexpected ']' in an expression");
    expect(errorOf(wrap('\tint r0;\n\tr0 = x y;')).message).toBe("bad.litmus:6:9: expected ';' but found 'y'");
    expect(errorOf(wrap('', 'int *x', '{}', 'exists (x=1 /\\ )')).message).toBe("bad.litmus:7:16: unexpected ')' in the final condition");
  });

  it('refuses loops and jumps as unbounded', () => {
    for (const [kw, body] of [['while', 'while (1) {}'], ['for', 'for (;;) {}'], ['do', 'do {} while (0);'], ['goto', 'goto out;']] as const) {
      const e = errorOf(wrap(`\t${body}`));
      expect(e.message).toMatch(new RegExp(`^bad\\.litmus:5:2: '${kw}' is a loop or a jump: .*unbounded$`));
    }
  });

  it('names an unknown primitive, an unknown name, a missing * and wrong arguments', () => {
    expect(errorOf(wrap('\tint r0;\n\tr0 = READ_TWICE(*x);')).message).toBe("bad.litmus:6:7: unknown primitive 'READ_TWICE'");
    expect(errorOf(wrap('\tWRITE_ONCE(*z, 1);')).message).toBe("bad.litmus:5:14: unknown name 'z'");
    expect(errorOf(wrap('\tint r0;\n\tr0 = READ_ONCE(x);')).message).toBe("bad.litmus:6:17: READ_ONCE needs '*pointer' as its first argument");
    expect(errorOf(wrap('\tsmp_mb(x);')).message).toBe('bad.litmus:5:2: smp_mb takes 0 arguments, not 1');
    expect(errorOf(wrap('\tint r0;\n\tr0 = spin_lock(x);', 'int *x')).message).toBe('bad.litmus:6:7: spin_lock() gives no value');
    expect(errorOf(wrap('\tx = 1;')).message).toBe("bad.litmus:5:2: cannot assign to parameter 'x': write '*x = ...'");
  });

  it('wants threads P0, P1, ... in order, a C header and a final clause', () => {
    expect(errorOf('C t\n{}\nP1(int *x)\n{\n}\nexists (x=0)\n').message).toBe('bad.litmus:3:1: threads must be P0, P1, ... in order: expected P0 but found P1');
    expect(errorOf('X86 t\n{}\n').message).toMatch(/^bad\.litmus:1:1: expected 'C <name>'/);
    expect(errorOf('C t\n{}\nP0(int *x)\n{\n}\n').message).toMatch(/^bad\.litmus:5:2: unexpected end of input in the final condition/);
    expect(errorOf('C t\n{}\nP0(int *x)\n{\n}\nexists (x=0) junk\n').message).toBe("bad.litmus:6:14: unexpected 'junk' after the final condition");
  });

  it('defaults the file name to <litmus>', () => {
    expect(errorOf('C t\n{}\nP0(int *x) { $ }\nexists (x=0)\n', undefined as unknown as string).file).toBe('bad.litmus');
    try {
      parseLitmus('C t\n{}\nP0(int *x) { $ }\nexists (x=0)\n');
    } catch (e) {
      expect((e as LitmusError).message).toBe("<litmus>:3:14: unexpected character '$'");
    }
    expect.assertions(2);
  });
});
