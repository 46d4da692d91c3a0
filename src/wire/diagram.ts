/**
 * A run drawn as a sequence diagram, the picture networking textbooks draw, made from the real
 * trace: one column per actor, time flowing down, each actor's Node events in its column and
 * each packet as an arrow from the column of the actor that sent it to the one that received
 * it, labelled with what it is (`SYN`, `PSH 6 B`, `FIN`, `UDP 4 B`).
 *
 * It fits a given width (80 columns by default): when there are more actors than columns of a
 * readable width, it shows a window of them (`firstActor` scrolls) and says which are off-screen.
 * Widths are terminal columns (string-width): CJK text takes two.
 */
import { textWidth } from '../i18n/width.js';
import type { TraceLine } from '../trace/event.js';
import { isQuiet, type TracePolicy } from '../trace/policy.js';
import { WIRE_ACTOR } from './format.js';
import { t } from '../i18n/messages.js';

export interface DiagramOptions {
  /** Terminal columns available (default 80). */
  width?: number;
  /** Index of the first actor column shown (scrolling sideways). */
  firstActor?: number;
  /** The lab's trace policy: quiet events stay out, as in the log. */
  policy?: TracePolicy;
  /** Include quiet events too. */
  allEvents?: boolean;
}

export interface Diagram {
  /** Every actor that has a column, in order of appearance. */
  actors: string[];
  /** The actors shown (a window of `actors`). */
  shown: string[];
  /** The drawing, one string per terminal row. */
  rows: string[];
}

const TIME_WIDTH = 9;
const MIN_COLUMN = 14;

/** Who sent and who received a packet event: the actors named in its path, if they have columns. */
function packetEnds(line: TraceLine & { type: 'event' }): [string, string] | undefined {
  const path = typeof line.detail.path === 'string' ? line.detail.path : '';
  const parts = path.split(' → ');
  return parts.length === 2 ? [parts[0]!, parts[1]!] : undefined;
}

function packetLabel(line: TraceLine & { type: 'event' }): string {
  const len = Number(line.detail.len ?? 0);
  return len > 0 ? `${line.name} ${len} B` : line.name;
}

function fit(text: string, width: number): string {
  if (textWidth(text) <= width) return text + ' '.repeat(width - textWidth(text));
  let out = '';
  for (const ch of text) {
    if (textWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return out + '…' + ' '.repeat(Math.max(0, width - 1 - textWidth(out)));
}

/** Draw `lines` (in time order) as a sequence diagram. */
export function renderDiagram(lines: readonly TraceLine[], options: DiagramOptions = {}): Diagram {
  const width = Math.max(40, options.width ?? 80);
  const actors: string[] = [];
  const events = lines.filter((l): l is TraceLine & { type: 'event' } => l.type === 'event' && (options.allEvents || !isQuiet(l, options.policy)));
  for (const line of events) {
    if (line.actor === WIRE_ACTOR) {
      for (const end of packetEnds(line) ?? []) if (!actors.includes(end)) actors.push(end);
    } else if (!actors.includes(line.actor)) {
      actors.push(line.actor);
    }
  }
  const fitting = Math.max(1, Math.floor((width - TIME_WIDTH) / MIN_COLUMN));
  const first = Math.max(0, Math.min(options.firstActor ?? 0, Math.max(0, actors.length - fitting)));
  const shown = actors.slice(first, first + fitting);
  const column = Math.floor((width - TIME_WIDTH) / Math.max(1, shown.length));
  const centre = (i: number) => TIME_WIDTH + i * column + Math.floor(column / 2);
  const rows: string[] = [];

  // The header: actor names centred over their lifelines.
  let header = ' '.repeat(TIME_WIDTH);
  shown.forEach((actor) => (header += fit(` ${actor}`, column)));
  rows.push(header.trimEnd());
  const blank = (): string[] => {
    const row = Array.from({ length: width }, () => ' ');
    shown.forEach((_, i) => (row[centre(i)] = '│'));
    return row;
  };
  const put = (row: string[], at: number, text: string) => {
    // Writes `text` from column `at`, a wide character taking two cells.
    let col = at;
    for (const ch of text) {
      const w = textWidth(ch);
      if (col + w > width) break;
      row[col] = ch;
      if (w === 2) row[col + 1] = '';
      col += w;
    }
  };
  const time = (t: number) => `${t.toFixed(1)}ms`.padStart(TIME_WIDTH - 1) + ' ';

  for (const line of events) {
    const row = blank();
    if (line.actor === WIRE_ACTOR) {
      const ends = packetEnds(line);
      const from = ends ? shown.indexOf(ends[0]) : -1;
      const to = ends ? shown.indexOf(ends[1]) : -1;
      if (from < 0 || to < 0 || from === to) continue;
      const [a, b] = [centre(from), centre(to)];
      const [lo, hi] = a < b ? [a, b] : [b, a];
      for (let c = lo + 1; c < hi; c++) row[c] = '─';
      row[a] = a < b ? '├' : '┤';
      if (a < b) row[hi - 1] = '▶';
      else row[lo + 1] = '◀';
      const label = ` ${packetLabel(line)} `;
      const room = hi - lo - 3;
      if (room > 2) put(row, lo + 2 + Math.max(0, Math.floor((room - textWidth(label)) / 2)), fit(label, Math.min(room, textWidth(label))));
    } else {
      const i = shown.indexOf(line.actor);
      if (i < 0) continue;
      const label = `● ${line.name}`;
      const room = i === shown.length - 1 ? width - centre(i) : column - 1;
      put(row, centre(i), fit(label, Math.min(room, textWidth(label))));
    }
    put(row, 0, time(line.t));
    rows.push(row.join('').trimEnd());
  }
  const hidden = actors.filter((a) => !shown.includes(a));
  if (hidden.length > 0) rows.push(t('wire.hiddenActors', { count: hidden.length, names: hidden.join(', ') }));
  return { actors, shown, rows };
}
