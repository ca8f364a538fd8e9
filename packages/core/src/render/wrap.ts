/**
 * Breaks `text` into lines of at most `width` characters, never dropping a character: at spaces
 * first, then after punctuation that ends a token (`,` `;` `)` `>` `=`), and only then inside a
 * word. Continuation lines start with `indent` spaces (counted in the width).
 */
export function wrapText(text: string, width: number, indent = 0): string[] {
  const lines: string[] = [];
  let rest = text;
  let pad = '';
  for (;;) {
    const room = Math.max(1, width - pad.length);
    if (rest.length <= room) {
      lines.push(pad + rest);
      return lines;
    }
    const cut = breakAt(rest, room);
    lines.push(pad + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    if (rest === '') return lines;
    pad = ' '.repeat(Math.min(indent, Math.max(0, width - 8)));
  }
}

/** Where to break `text` (longer than `room`): the length of the first line. */
function breakAt(text: string, room: number): number {
  const space = text.lastIndexOf(' ', room);
  // A break at a space keeps at least a third of the line, else the line would be mostly empty.
  if (space > room / 3) return space;
  for (let i = room; i > room / 3; i--) if (',;)>='.includes(text[i - 1] as string)) return i;
  return room;
}
