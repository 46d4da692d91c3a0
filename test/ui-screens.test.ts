/**
 * The interactive lab's screens as a learner sees them in an 80×24 terminal, rendered by Ink
 * (ink-testing-library) and driven by keys, with a fake controller. Snapshots are whole
 * screens, without colour, trailing spaces trimmed.
 */
import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render, cleanup } from 'ink-testing-library';
import { Chalk } from 'chalk';
import { App } from '../src/ui/App.js';
import { createTheme } from '../src/ui/theme.js';
import { textWidth } from '../src/ui/text.js';
import type { LabGrade } from '../src/session/types.js';
import { echoTrace, FakeSession, KEYS, NEW, normalize, snapshotOf, tick, WORKSPACE } from './ui-fixtures.js';

const SIZE = { columns: 80, rows: 24 };

afterEach(() => cleanup());

function mount(session = new FakeSession(), openAt?: string, theme = createTheme(new Chalk({ level: 0 }))) {
  const app = render(createElement(App, { session, size: SIZE, openAt, theme }));
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await tick();
    }
  };
  const screen = () => {
    const text = normalize(app.lastFrame());
    // Every screen fits the terminal: 80 columns, and one row short of 24.
    const rows = text.split('\n');
    expect(rows.length).toBeLessThanOrEqual(23);
    for (const row of rows) expect(textWidth(row)).toBeLessThanOrEqual(80);
    return text;
  };
  /** Wait until the screen shows `text` (Ink renders on its own schedule). */
  const shows = async (text: string) => {
    for (let i = 0; i < 200 && !normalize(app.lastFrame()).includes(text); i++) await new Promise((r) => setTimeout(r, 10));
    const current = screen();
    expect(current).toContain(text);
    return current;
  };
  return { app, session, press, screen, shows };
}

describe('netlab start, screen by screen (80×24, no colour)', () => {
  it('home: the labs in order with status and a progress bar', async () => {
    const session = new FakeSession(snapshotOf({ progress: { 'tcp-echo': { ...NEW, status: 'passed', passed: true }, udp: { ...NEW, status: 'started' } } }));
    const { shows } = mount(session);
    expect(await shows('2. udp')).toMatchSnapshot();
  });

  it('lesson: the first step, with headings, lists and code', async () => {
    const { press, shows, session } = mount();
    await press(KEYS.enter);
    expect(session.sent).toEqual([{ type: 'open', lab: 'tcp-echo' }]);
    expect(await shows('Step 1 of 2')).toMatchSnapshot();
  });

  it('trace: r runs, lines stream in, the summary follows, keys at the bottom', async () => {
    const { press, shows, session } = mount(undefined, 'tcp-echo');
    await press('r');
    expect(session.sent.at(-1)).toEqual({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: false });
    session.emit({ type: 'run-started', runId: 1, lab: 'tcp-echo', scenario: 'tour', learnerCode: false });
    session.emit({ type: 'trace', runId: 1, lab: 'tcp-echo', lines: echoTrace() });
    await shows('● running tour… 9 events');
    session.emit({ type: 'run-ended', runId: 1, lab: 'tcp-echo', result: { type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: { port: 40000, clients: 1 } }, stopped: false });
    expect(await shows('✓ tcp-echo / tour finished')).toMatchSnapshot();
  });

  it('trace before any run explains how to read it', async () => {
    const { press, shows } = mount(undefined, 'tcp-echo');
    await press(KEYS.tab);
    expect(await shows('Press r to run it.')).toMatchSnapshot();
  });

  it('exercise without a workspace: offers netlab init and asks first', async () => {
    const { press, shows, session } = mount(undefined, 'tcp-echo');
    await press('3', 'i');
    expect(await shows('(y/n)')).toMatchSnapshot();
    await press('y');
    expect(session.sent.at(-1)).toEqual({ type: 'init' });
  });

  it('exercise after a failed grade: per-check results and the failing check trace', async () => {
    const file = `${WORKSPACE}/tcp-echo.ts`;
    const session = new FakeSession(snapshotOf({ workspace: { dir: WORKSPACE, exists: true }, progress: { 'tcp-echo': { ...NEW, status: 'started', file }, udp: NEW } }));
    const { press, shows } = mount(session, 'tcp-echo');
    await press('g');
    const grade: LabGrade = {
      lab: 'tcp-echo',
      status: 'failed',
      file,
      checks: [
        { id: 'echoes-bytes', title: 'echoes every byte unchanged', status: 'passed' },
        { id: 'binary-safe', title: 'echoes arbitrary bytes, split characters intact', status: 'failed', message: 'sent 256 bytes 0x00..0xff, got 512 back: did you convert the chunk to a string?', trace: echoTrace().slice(4, 6) },
      ],
    };
    session.emit({ type: 'grade-started', lab: 'tcp-echo' });
    session.emit({ type: 'graded', lab: 'tcp-echo', grade });
    expect(await shows('Not yet: 1 of 2 checks pass')).toMatchSnapshot();
  });

  it('a long notice wraps onto a second status row; the key bar stays at the bottom', async () => {
    const { press, shows, session } = mount(undefined, 'tcp-echo');
    await press('3');
    await shows('Press i to create it');
    session.emit({ type: 'notice', level: 'warn', text: 'tcp-echo.ts is still the starter: make it do what its // TODO comments ask, then grade again' });
    const rows = (await shows('then grade again')).split('\n');
    expect(rows).toHaveLength(23);
    expect(rows.at(-3)).toBe('! tcp-echo.ts is still the starter: make it do what its // TODO comments ask,');
    expect(rows.at(-2)).toBe('then grade again');
    expect(rows.at(-1)).toMatch(/^g grade .* q back$/);
  });

  it('help lists every key', async () => {
    const { press, screen, shows } = mount(undefined, 'tcp-echo');
    await press('?');
    expect(await shows('Any key closes the help.')).toMatchSnapshot();
    await press('x');
    await shows('Step 1 of 2');
    expect(screen()).not.toContain('Any key closes the help');
  });
});

describe('keys and quitting', () => {
  it('arrows, Esc and q: back to the list, then quit', async () => {
    const { app, press, shows, session } = mount();
    await press(KEYS.down, KEYS.enter);
    await shows('netlab › udp');
    await press(KEYS.escape);
    // Ink tells a lone Esc from the start of an escape sequence after a short wait.
    await shows('›  2. udp');
    expect(session.sent.at(-1)).toEqual({ type: 'close', lab: 'udp' });
    await press('q');
    expect(session.sent.at(-1)).toEqual({ type: 'stop' });
    // The app unmounts itself (in an effect after its last render): then its frame is final.
    // Asserting that nothing more is drawn needs a pause; a generous one, for a loaded CI.
    await new Promise((r) => setTimeout(r, 250));
    const frames = app.frames.length;
    await press(KEYS.down);
    expect(app.frames.length).toBe(frames);
  });

  it('Ctrl-C quits from inside a lab', async () => {
    const { press, session } = mount(undefined, 'tcp-echo');
    await press(KEYS.ctrlC);
    expect(session.sent.at(-1)).toEqual({ type: 'stop' });
  });

  it('with colour, actors get different colours; without, no escape codes at all', async () => {
    const coloured = mount(undefined, 'tcp-echo', createTheme(new Chalk({ level: 1 })));
    await coloured.press('r');
    coloured.session.emit({ type: 'run-started', runId: 1, lab: 'tcp-echo', scenario: 'tour', learnerCode: false });
    coloured.session.emit({ type: 'trace', runId: 1, lab: 'tcp-echo', lines: echoTrace() });
    await coloured.shows('running tour');
    const frame = coloured.app.lastFrame()!;
    const colourOf = (actor: string) => new RegExp(`\\x1b\\[(\\d+)m${actor.replace('#', '\\#')}`).exec(frame)?.[1];
    expect(colourOf('server')).toBeDefined();
    expect(colourOf('client#1')).toBeDefined();
    expect(colourOf('server')).not.toBe(colourOf('client#1'));

    const plain = mount(undefined, 'tcp-echo');
    await plain.press('r');
    plain.session.emit({ type: 'run-started', runId: 1, lab: 'tcp-echo', scenario: 'tour', learnerCode: false });
    plain.session.emit({ type: 'trace', runId: 1, lab: 'tcp-echo', lines: echoTrace() });
    await plain.shows('running tour');
    expect(plain.app.lastFrame()).not.toMatch(/\x1b\[/);
  });
});
