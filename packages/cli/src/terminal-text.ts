/**
 * Text for a terminal with every control character a model could smuggle in made visible: a
 * model's names, labels and messages reach the screen, and an escape sequence among them would
 * move the cursor, clear the screen or retitle the window. Newlines and tabs stay; so do the
 * colour sequences (SGR, `ESC [ ... m`) when colour is on, since kvmrace's own colours are those.
 * JSON needs none of this: JSON.stringify already escapes every control character.
 */
export function escapeControl(text: string, keepColour: boolean): string {
  return text.replace(UNSAFE, (match) => (keepColour && match.length > 1 ? match : visible(match)));
}

/** A colour sequence, or one C0/C1 control character other than tab and newline, or a bidi override. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

function visible(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    out += code <= 0xff && (code < 0x20 || code >= 0x7f) ? `\\x${code.toString(16).padStart(2, '0')}` : code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
  }
  return out;
}
