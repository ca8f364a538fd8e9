// Reading herd7's output and comparing final-state sets with kvmrace's: shared by herd-diff.mjs
// and test/corpus.test.ts. Plain Node, no dependencies.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * herd7 with the LKMM, as laid out beside a clone (`../shared/herd/herd7-lkmm` from the repo
 * root), or `$HERD7_LKMM`; null when neither exists (a user's fresh clone).
 */
export function findHerd() {
  const fromEnv = process.env.HERD7_LKMM;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  const beside = resolve(repoRoot, '../shared/herd/herd7-lkmm');
  return existsSync(beside) ? beside : null;
}

/** herd7 prints a memory location as `[x]`; kvmrace as `x`. */
function key(k) {
  return k.startsWith('[') && k.endsWith(']') ? k.slice(1, -1) : k;
}

/** One herd7 state line (`0:r0=1; [x]=2;`) as a record `{ '0:r0': '1', x: '2' }`. */
export function parseStateLine(line) {
  const state = {};
  for (const part of line.split(';')) {
    const t = part.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq < 0) throw new Error(`not a herd7 state: ${line}`);
    state[key(t.slice(0, eq).trim())] = t.slice(eq + 1).trim();
  }
  return state;
}

/** A final state as one comparable string, keys sorted: `0:r0=1; x=2`. */
export function canonicalState(state) {
  return Object.keys(state)
    .sort()
    .map((k) => `${k}=${state[k]}`)
    .join('; ');
}

/** A set of final states as sorted canonical strings. */
export function canonicalStates(states) {
  return [...new Set(states.map(canonicalState))].sort();
}

/**
 * herd7's output for many tests: per test name, its final states (canonical, sorted), flags
 * (`data-race`, `mixed-accesses`, ...), observation and herd7's own check time in seconds.
 */
export function parseHerdOutput(stdout) {
  const tests = new Map();
  const lines = stdout.split('\n');
  let cur = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m;
    if ((m = /^Test (\S+)/.exec(line))) {
      cur = { name: m[1], states: [], flags: [], observation: null, time: 0 };
      tests.set(cur.name, cur);
    } else if (!cur) {
      continue;
    } else if ((m = /^States (\d+)$/.exec(line))) {
      const n = Number(m[1]);
      const states = [];
      for (let j = 0; j < n; j++) states.push(parseStateLine(lines[++i]));
      cur.states = canonicalStates(states);
    } else if ((m = /^Flag (\S+)/.exec(line))) {
      cur.flags.push(m[1]);
    } else if ((m = /^Observation \S+ (Never|Sometimes|Always)\b/.exec(line))) {
      cur.observation = m[1];
    } else if ((m = /^Time \S+ ([\d.]+)/.exec(line))) {
      cur.time = Number(m[1]);
    }
  }
  return tests;
}

/** What differs between two canonical state sets: states only in `a`, and only in `b`. */
export function diffStates(a, b) {
  const sa = new Set(a);
  const sb = new Set(b);
  return { onlyA: a.filter((s) => !sb.has(s)), onlyB: b.filter((s) => !sa.has(s)) };
}
