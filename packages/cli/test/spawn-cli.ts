import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The built CLI, as users run it. */
export const bin = fileURLToPath(new URL('../dist/kvmrace.js', import.meta.url));

/** A test fixture's path. */
export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** What a spawned CLI printed and how it ended. */
export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** Spawns the CLI (asynchronously, so the cases of a block run side by side), without colours. */
export function spawnCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { timeout: options.timeoutMs ?? 30_000, env: { ...process.env, NO_COLOR: '1', CI: '1' }, ...(options.cwd ? { cwd: options.cwd } : {}) });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

/** The one-line refusal contract: exit 2, nothing on stdout, one line `kvmrace: ...` matching `message`, no stack. */
export function expectOneLineRefusal(r: CliResult, message: RegExp): void {
  expect(r.code, r.err).toBe(2);
  expect(r.out).toBe('');
  const lines = r.err.trim().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^kvmrace: /);
  expect(lines[0]).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at |internal error/);
}
