import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar, type ProgressStream } from '../src/progress.js';

/** A stream that says it is a terminal and keeps what is drawn on it. */
function fakeTerminal(): ProgressStream & { text: string } {
  const stream = new Writable({
    write(chunk, _enc, done) {
      stream.text += String(chunk);
      done();
    },
  }) as Writable & { text: string; isTTY: boolean; columns: number; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean };
  stream.text = '';
  stream.isTTY = true;
  stream.columns = 120;
  stream.cursorTo = () => true;
  stream.clearLine = () => true;
  stream.moveCursor = () => true;
  return stream;
}

describe('progress bar', () => {
  it('draws the count and label on a terminal', () => {
    const tty = fakeTerminal();
    const bar = progressBar('verify pfncache', { json: false, interactive: true, stream: tty });
    expect(bar).toBeDefined();
    bar!.update(0, 7, 'units');
    bar!.update(3, 7, 'units');
    bar!.stop();
    expect(tty.text).toMatch(/verify pfncache.*\d\/7 units/);
  });

  it.each([
    ['--json', { json: true, interactive: true }],
    ['CI or not interactive', { json: false, interactive: false }],
  ])('is silent with %s', (_what, opts) => {
    expect(progressBar('verify x', { ...opts, stream: fakeTerminal() })).toBeUndefined();
  });

  it('is silent when the stream is not a terminal', () => {
    const pipe = Object.assign(fakeTerminal(), { isTTY: false });
    expect(progressBar('verify x', { json: false, interactive: true, stream: pipe })).toBeUndefined();
  });
});
