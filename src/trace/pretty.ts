import { Chalk, type ChalkInstance } from 'chalk';
import type { Writable } from 'node:stream';
import type { TraceLine } from './event.js';
import { TraceRenderer, type Paint } from './format.js';
import type { TracePolicy } from './policy.js';

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
  private readonly renderer: TraceRenderer;

  constructor(
    private readonly out: Writable = process.stdout,
    chalk: ChalkInstance = new Chalk(),
    /** Show quiet events too (see QUIET_EVENTS and the lab's policy). */
    allEvents = false,
    /** The lab's trace policy: what it shows and keeps quiet. */
    policy: TracePolicy = {},
  ) {
    this.renderer = new TraceRenderer({ paint: chalkPaint(chalk), allEvents, policy });
  }

  write(line: TraceLine): void {
    for (const row of this.renderer.push(line)) this.out.write(row + '\n');
  }

  end(): void {
    for (const row of this.renderer.end()) this.out.write(row + '\n');
  }
}
