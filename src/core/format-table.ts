/** A plain-text table that fits a given width by shrinking the flexible columns (cells are truncated with '…'). */
export interface TextColumn {
  header: string;
  align?: 'left' | 'right';
  /** May be shrunk down to `min` characters when the table is too wide; higher shrinks first. */
  shrink?: number;
  min?: number;
}

export interface TextCell {
  text: string;
  /** Applied after padding, so styling never affects alignment. */
  style?: (s: string) => string;
}

export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

export function renderTextTable(
  columns: TextColumn[],
  rows: Array<Array<string | TextCell>>,
  opts: { width: number; gap?: number; headerStyle?: (s: string) => string; indent?: number },
): string[] {
  const gap = opts.gap ?? 2;
  const indent = opts.indent ?? 0;
  const cells: TextCell[][] = rows.map((r) => r.map((c) => (typeof c === 'string' ? { text: c } : c)));
  const widths = columns.map((col, i) => Math.max(col.header.length, ...cells.map((r) => r[i]?.text.length ?? 0)));
  let total = indent + widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
  const order = columns
    .map((c, i) => ({ i, p: c.shrink ?? 0 }))
    .filter((c) => c.p > 0)
    .sort((a, b) => b.p - a.p);
  for (const { i } of order) {
    if (total <= opts.width) break;
    const min = Math.max(columns[i].min ?? 8, 2);
    const cut = Math.min(total - opts.width, Math.max(0, widths[i] - min));
    widths[i] -= cut;
    total -= cut;
  }
  const pad = (text: string, i: number, style: (s: string) => string = (s) => s): string => {
    const t = truncate(text, widths[i]);
    const fill = ' '.repeat(widths[i] - t.length);
    return columns[i].align === 'right' ? fill + style(t) : style(t) + fill;
  };
  const line = (parts: string[]): string => (' '.repeat(indent) + parts.join(' '.repeat(gap))).trimEnd();
  const header = line(columns.map((c, i) => pad(c.header, i)));
  const out = [opts.headerStyle ? opts.headerStyle(header) : header];
  for (const r of cells) {
    out.push(
      line(
        columns.map((_, i) => {
          const cell = r[i] ?? { text: '' };
          return pad(cell.text, i, cell.style);
        }),
      ),
    );
  }
  return out;
}

/**
 * Word-wraps `text` to `width` columns; continuation lines get `indent` spaces; at most `maxLines` (the last one cut
 * with '…').
 */
export function wrap(text: string, width: number, indent = 0, maxLines = 3): string[] {
  const lines: string[] = [];
  let rest = text.trim();
  let first = true;
  while (rest.length > 0 && lines.length < maxLines) {
    const pad = first ? '' : ' '.repeat(indent);
    const room = Math.max(10, width - pad.length);
    if (rest.length <= room) {
      lines.push(pad + rest);
      rest = '';
      break;
    }
    const cut = rest.lastIndexOf(' ', room);
    const at = cut > room / 3 ? cut : room;
    lines.push(pad + rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
    first = false;
  }
  if (rest.length > 0) lines[lines.length - 1] = truncate(`${lines[lines.length - 1]} ${rest}`, width);
  return lines;
}
