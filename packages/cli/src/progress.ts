import { createRequire } from 'node:module';
import pc from 'picocolors';

/** cli-progress, loaded only when a bar is drawn (never in CI or with --json): a faster start. */
const loadCliProgress = (): typeof import('cli-progress') => createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');

/** Progress of long work: a bar on a terminal, nothing in CI, with --json or when piped. */
export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

/** A stream the bar draws on (stderr, or a fake terminal in tests). */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * A progress bar for `what` (`verify pfncache`), or undefined when nobody is watching: output is
 * JSON, stderr is not a terminal, or CI is set. The bar redraws from inside synchronous work
 * (cli-progress's synchronous updates), at most ten times a second, and clears itself when done.
 */
export function progressBar(what: string, options: { json: boolean; interactive: boolean; stream?: ProgressStream }): Progress | undefined {
  const stream = options.stream ?? process.stderr;
  if (options.json || !options.interactive || !stream.isTTY) return undefined;
  const cliProgress = loadCliProgress();
  const bar = new cliProgress.SingleBar(
    {
      format: `${pc.dim(what)} [{bar}] {value}/{total} {label} ${pc.dim('{duration_formatted}')}`,
      stream,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { label });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
