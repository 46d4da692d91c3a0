import { Chalk, type ChalkInstance } from 'chalk';
import type { Writable } from 'node:stream';
import type { TraceLine } from './event.js';
import { Coalescer, formatLine, type Paint } from './format.js';
import { isQuiet, type TracePolicy } from './policy.js';

const ACTOR_COLOURS = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'redBright', 'cyanBright', 'magentaBright'] as const;

/** A chalk-backed {@link Paint}: one colour per actor, in order of appearance. */
export function chalkPaint(chalk: ChalkInstance): Paint {
  const colours = new Map<string, (typeof ACTOR_COLOURS)[number]>();
  return {
    actor(actor, text) {
      if (actor === 'netlab') return chalk.gray(text);
      let colour = colours.get(actor);
      if (!colour) {
        colour = ACTOR_COLOURS[colours.size % ACTOR_COLOURS.length]!;
        colours.set(actor, colour);
      }
      return chalk[colour](text);
    },
    dim: (t) => chalk.dim(t),
    bold: (t) => chalk.bold(t),
    error: (t) => chalk.red(t),
  };
}

/** The live trace printer of `netlab run`: coloured lanes, relative times, floods folded. */
export class PrettyTracePrinter {
  private readonly coalescer = new Coalescer();
  private readonly paint: Paint;

  constructor(
    private readonly out: Writable = process.stdout,
    chalk: ChalkInstance = new Chalk(),
    /** Show quiet events too (see QUIET_EVENTS and the lab's policy). */
    private readonly allEvents = false,
    /** The lab's trace policy: what it shows and keeps quiet. */
    private readonly policy: TracePolicy = {},
  ) {
    this.paint = chalkPaint(chalk);
  }

  write(line: TraceLine): void {
    if (!this.allEvents && isQuiet(line, this.policy)) return;
    for (const item of this.coalescer.push(line)) {
      this.out.write((typeof item === 'string' ? this.paint.dim(item) : formatLine(item, this.paint)) + '\n');
    }
  }

  end(): void {
    for (const text of this.coalescer.flush()) this.out.write(this.paint.dim(text) + '\n');
  }
}
