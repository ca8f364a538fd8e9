import { escapeControl } from '../terminal-text.js';
import { describeCode, modelNamesHere, userCodeNow } from './user-code-now.js';

/** Where this thread's model output goes, once captured. */
let sink: ((text: string) => void) | undefined;

type Write = typeof process.stdout.write;

/**
 * Captures what the model prints in this thread (`console.log`, `console.error`,
 * `process.stdout.write`, ...): each line prefixed with the code that printed it
 * (`[operation 'refresh'] ...`, `[setup()] ...`, `[model file] ...` while it loads) and its
 * control characters escaped, handed to `send`, which puts it on stderr. kvmrace's own output
 * never goes through this thread's streams (it is posted to the parent), so stdout stays kvmrace's
 * alone: `--json` prints only JSON whatever the model prints. Writes to stderr outside the model's
 * code (a Node warning) pass on as they are.
 */
export function captureModelOutput(send: (text: string) => void): void {
  sink = send;
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as Write;
    const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const done = typeof encoding === 'function' ? encoding : callback;
      const where = whoPrints();
      if (where === undefined && stream === process.stderr) return original(chunk as string, encoding as BufferEncoding, done as () => void);
      send(prefixLines(textOf(chunk, encoding), where ?? `model '${modelNamesHere()?.model ?? '?'}'`));
      if (typeof done === 'function') queueMicrotask(() => (done as (err?: Error | null) => void)(null));
      return true;
    };
    stream.write = write as Write;
  }
}

/** Hands on model output a pool worker captured (already prefixed): to this thread's sink, else stderr. */
export function forwardModelOutput(text: string): void {
  if (sink) sink(text);
  else process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** The model code printing now, or undefined outside it (after the model file loaded). */
function whoPrints(): string | undefined {
  const names = modelNamesHere();
  if (!names) return 'model file';
  return describeCode(userCodeNow(), names);
}

function textOf(chunk: unknown, encoding: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return String(chunk);
}

/** Every line of `text` prefixed with `[where] `, control characters escaped; no trailing newline. */
export function prefixLines(text: string, where: string): string {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  return lines.map((line) => escapeControl(`[${where}] ${line}`, false)).join('\n');
}
