/**
 * The interactive lab's reducers: given a state, when an input arrives (a key, a trace
 * batch, a grade), then this is the next state and these are the commands for the controller.
 */
import { describe, expect, it } from 'vitest';
import { appReducer, initialState, type AppState, type AppStep } from '../src/ui/app-reducer.js';
import { plainTheme } from '../src/ui/theme.js';
import { frame } from '../src/ui/views.js';
import { stripAnsi, textWidth } from '../src/ui/text.js';
import { createTheme } from '../src/ui/theme.js';
import { Chalk } from 'chalk';
import type { LabGrade, LabView } from '../src/session/types.js';
import type { Theme } from '../src/ui/theme.js';
import { echoTrace, ev, NEW, play, snapshotOf, WORKSPACE } from './ui-fixtures.js';

const SIZE = { columns: 80, rows: 24 };

const home = () => initialState(snapshotOf(), SIZE);
const text = (state: AppState) => {
  const f = frame(state, plainTheme);
  return stripAnsi([f.header, ...f.body, f.status, f.keys].join('\n'));
};

describe('home', () => {
  it('starts at the first lab not passed, moves with arrows and j/k, opens with Enter', () => {
    const snapshot = snapshotOf({ progress: { 'tcp-echo': { ...NEW, status: 'passed', passed: true }, udp: { ...NEW } } });
    const start = initialState(snapshot, SIZE);
    expect(start.state.home.selected).toBe(1);
    const moved = play(start, 'k', 'k', 'j');
    expect(moved.state.home.selected).toBe(1);
    const opened = play(start, 'up', 'enter');
    expect(opened.state.screen).toBe('lab');
    expect(opened.state.lab?.index).toBe(0);
    expect(opened.state.lab?.tab).toBe('lesson');
    expect(opened.commands).toEqual([{ type: 'open', lab: 'tcp-echo' }]);
  });

  it('q and Esc quit from home; Ctrl-C quits from anywhere', () => {
    expect(play(home(), 'q').state.quitting).toBe(true);
    expect(play(home(), 'escape').state.quitting).toBe(true);
    const deep = play(home(), 'enter', '2', 'ctrl-c');
    expect(deep.state.quitting).toBe(true);
    expect(deep.commands.at(-1)).toEqual({ type: 'stop' });
  });

  it('`netlab start udp` opens that lab from the first frame', () => {
    const start = initialState(snapshotOf(), SIZE, 'udp');
    expect(start.state.screen).toBe('lab');
    expect(start.state.lab?.index).toBe(1);
    expect(start.commands).toEqual([{ type: 'open', lab: 'udp' }]);
  });
});

describe('moving around a lab', () => {
  it('Tab, Shift-Tab and 1 2 3 switch screens; q goes back home and the controller closes the lab', () => {
    const s = play(home(), 'enter');
    expect(play(s, 'tab').state.lab?.tab).toBe('trace');
    expect(play(s, 'tab', 'tab').state.lab?.tab).toBe('exercise');
    expect(play(s, 'backtab').state.lab?.tab).toBe('exercise');
    expect(play(s, '3', '1').state.lab?.tab).toBe('lesson');
    const back = play(s, 'q');
    expect(back.state.screen).toBe('home');
    expect(back.state.quitting).toBe(false);
    expect(back.commands.at(-1)).toEqual({ type: 'close', lab: 'tcp-echo' });
  });

  it('n opens the next lab; on the last lab it says so', () => {
    const s = play(home(), 'enter', 'n');
    expect(s.state.lab?.index).toBe(1);
    expect(s.commands.slice(-2)).toEqual([{ type: 'close', lab: 'tcp-echo' }, { type: 'open', lab: 'udp' }]);
    const last = play(s, 'n');
    expect(last.state.lab?.index).toBe(1);
    expect(last.state.notice?.text).toMatch(/last lab/);
  });

  it('? shows the help over any screen; any key closes it', () => {
    const s = play(home(), 'enter', '?');
    expect(s.state.help).toBe(true);
    expect(text(s.state)).toContain('reveal the next hint');
    const closed = play(s, 'r');
    expect(closed.state.help).toBe(false);
    expect(closed.commands).toEqual([{ type: 'open', lab: 'tcp-echo' }]);
  });
});

describe('lesson', () => {
  it('steps with → / Enter and ←, and says how many remain', () => {
    const s = play(home(), 'enter');
    expect(text(s.state)).toContain('Step 1 of 2');
    expect(text(s.state)).toContain('1 to go');
    const next = play(s, 'right');
    expect(next.state.lab?.lesson.step).toBe(1);
    expect(text(next.state)).toContain('last step');
    expect(play(next, 'enter').state.notice?.text).toMatch(/last step.*r to watch/);
    expect(play(next, 'left').state.lab?.lesson.step).toBe(0);
  });
});

describe('live trace', () => {
  const running = () => play(home(), 'enter', 'r', { type: 'run-started', runId: 1, lab: 'tcp-echo', scenario: 'tour', learnerCode: false });

  it('r runs the chosen scenario (from any screen of the lab)', () => {
    const s = play(home(), 'enter', 'r');
    expect(s.state.lab?.tab).toBe('trace');
    expect(s.commands.at(-1)).toEqual({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: false });
    const other = play(home(), 'enter', '2', 'right', 'r');
    expect(other.commands.at(-1)).toEqual({ type: 'run', lab: 'tcp-echo', scenario: 'half-close', learnerCode: false });
  });

  it('streams lines as they come, follows the end, then stays scrollable with the summary after the run', () => {
    let s = running();
    // 40 lines: more than the window.
    const lines = Array.from({ length: 40 }, (_, i) => ev(i, i % 2 ? 'client#1' : 'server', `net.Socket#${i % 2}`, i % 3 ? 'data' : 'end', { bytes: i }));
    s = play(s, { type: 'trace', runId: 1, lab: 'tcp-echo', lines });
    const tr = s.state.lab!.trace;
    expect(tr.log!.received).toBe(40);
    expect(tr.follow).toBe(true);
    expect(tr.offset).toBe(tr.log!.rows.length - 17);
    s = play(s, { type: 'run-ended', runId: 1, lab: 'tcp-echo', result: { type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: { lines: ['k=1  ████ 100 ms'], port: 4000 } }, stopped: false });
    const after = s.state.lab!.trace;
    expect(after.status).toBe('passed');
    const screen = text(s.state);
    expect(screen).toContain('k=1  ████ 100 ms');
    expect(screen).toContain('✓ tcp-echo / tour finished');
    const top = play(s, 'home');
    expect(top.state.lab!.trace.offset).toBe(0);
    expect(text(top.state)).toContain('\n    0.0ms  server   net.Socket#0 end');
    expect(play(top, 'down', 'down').state.lab!.trace.offset).toBe(2);
  });

  it("hides what the lab's trace keeps quiet; a shows every event, and a again hides them", () => {
    const quietLab = { ...snapshotOf().labs[0]!, trace: { quiet: [{ name: 'message', actor: 'dns-server' }] } };
    let s = initialState(snapshotOf({ labs: [quietLab] }), SIZE, 'tcp-echo');
    const lines = [ev(1, 'dns-server', 'dgram.Socket#1', 'message', { bytes: 34 }), ev(2, 'dns-server', 'dgram.Socket#1', 'query', { question: 'A shop.netlab.test' }), ev(3, 'client', 'net.Socket#1', 'resume')];
    s = play(s, 'r', { type: 'run-started', runId: 1, lab: 'tcp-echo', scenario: 'tour', learnerCode: false }, { type: 'trace', runId: 1, lab: 'tcp-echo', lines });
    s = play(s, { type: 'run-ended', runId: 1, lab: 'tcp-echo', result: { type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: {} }, stopped: false });
    expect(text(s.state)).toContain('query');
    expect(text(s.state)).not.toMatch(/message|resume/);
    const all = play(s, 'a');
    expect(text(all.state)).toMatch(/dgram\.Socket#1 message/);
    expect(text(all.state)).toMatch(/net\.Socket#1\s+resume/);
    expect(text(all.state)).toContain('✓ tcp-echo / tour finished');
    expect(stripAnsi(frame(all.state, plainTheme).keys)).toContain('a fewer events');
    const again = play(all, 'a');
    expect(text(again.state)).not.toMatch(/message|resume/);
    expect(text(again.state)).toContain('✓ tcp-echo / tour finished');
    // The next run keeps the choice.
    const next = play(all, 'r', { type: 'run-started', runId: 2, lab: 'tcp-echo', scenario: 'tour', learnerCode: false }, { type: 'trace', runId: 2, lab: 'tcp-echo', lines });
    expect(text(next.state)).toMatch(/dgram\.Socket#1 message/);
  });

  it('ignores lines of an older run', () => {
    const s = play(running(), { type: 'trace', runId: 7, lab: 'tcp-echo', lines: echoTrace() });
    expect(s.state.lab!.trace.log!.received).toBe(0);
  });

  it('x stops a run; r during a run does not start another; ←→ wait for the end', () => {
    const s = running();
    expect(play(s, 'x').commands.at(-1)).toEqual({ type: 'stop' });
    expect(play(s, 'r').commands.filter((c) => c.type === 'run')).toHaveLength(1);
    expect(play(s, 'right').state.lab!.trace.scenario).toBe(0);
    const stopped = play(s, { type: 'run-ended', runId: 1, lab: 'tcp-echo', result: { type: 'result', ok: false, lab: 'tcp-echo', scenario: 'tour', summary: {}, error: { code: 'X', message: 'interrupted' } }, stopped: true });
    expect(stopped.state.lab!.trace.status).toBe('stopped');
  });

  it('u runs the demo with the learner file (as `netlab run --use`), r with the reference', () => {
    const none = play(home(), 'enter', 'u');
    expect(none.commands.filter((c) => c.type === 'run')).toHaveLength(0);
    expect(none.state.notice?.text).toMatch(/no file/);
    const withFile = initialState(snapshotOf({ workspace: { dir: WORKSPACE, exists: true }, progress: { 'tcp-echo': { ...NEW, status: 'started', file: `${WORKSPACE}/tcp-echo.ts` }, udp: NEW } }), SIZE);
    const mine = play(withFile, 'enter', 'u');
    expect(mine.state.lab!.tab).toBe('trace');
    expect(mine.commands.at(-1)).toEqual({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: true });
    const started = play(mine, { type: 'run-started', runId: 1, lab: 'tcp-echo', scenario: 'tour', learnerCode: true });
    expect(text(started.state)).toContain('your code');
    const ended = play(started, { type: 'run-ended', runId: 1, lab: 'tcp-echo', result: { type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: {} }, stopped: false });
    expect(play(ended, 'r').commands.at(-1)).toEqual({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: false });
    expect(play(ended, 'u').commands.at(-1)).toEqual({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: true });
  });
});

describe('exercise', () => {
  const FILE = `${WORKSPACE}/tcp-echo.ts`;
  const ready = () =>
    initialState(snapshotOf({ workspace: { dir: WORKSPACE, exists: true }, progress: { 'tcp-echo': { ...NEW, status: 'started', file: FILE }, udp: NEW } }), SIZE);
  const failed: LabGrade = {
    lab: 'tcp-echo',
    status: 'failed',
    file: FILE,
    checks: [
      { id: 'echoes-bytes', title: 'echoes every byte unchanged', status: 'passed' },
      {
        id: 'half-close',
        title: 'finishes echoing after the client ends',
        status: 'failed',
        message: 'sent 12 bytes then end(); got 0 bytes back before the server closed: did you set allowHalfOpen?',
        trace: [ev(1, 'learner', 'net.Socket#1', 'end'), ev(2, 'learner', 'net.Socket#1', 'close', { hadError: false })],
      },
      { id: 'unix-only', title: 'a check this machine skips', status: 'skipped', message: 'needs Linux namespaces' },
    ],
  };

  it('offers to create the workspace, asks first, and creates it only on yes', () => {
    const s = play(home(), 'enter', '3');
    expect(text(s.state)).toContain('Press i to create it');
    const asked = play(s, 'i');
    expect(asked.state.lab!.exercise.confirmInit).toBe(true);
    expect(text(asked.state)).toContain('? Create the workspace folder named above, with a starter file per lab? (y/n)');
    // While asking, other keys do nothing.
    expect(play(asked, 'g').commands.filter((c) => c.type === 'grade')).toHaveLength(0);
    const no = play(asked, 'n');
    expect(no.state.lab!.exercise.confirmInit).toBe(false);
    expect(no.commands.filter((c) => c.type === 'init')).toHaveLength(0);
    const yes = play(asked, 'y');
    expect(yes.commands.at(-1)).toEqual({ type: 'init' });
    expect(yes.state.lab!.exercise.initRunning).toBe(true);
    const done = play(yes, { type: 'init-done', ok: true, message: 'created netlab-exercises' });
    expect(done.state.lab!.exercise.initRunning).toBe(false);
    expect(done.state.notice).toEqual({ level: 'ok', text: `Workspace ready: open ${WORKSPACE}/tcp-echo.ts in your editor, fill in the // TODO parts, save, press g.` });
  });

  it('g grades and shows each check, the failing message and its trace', () => {
    let s = play(ready(), 'enter', 'g');
    expect(s.state.lab!.tab).toBe('exercise');
    expect(s.commands.at(-1)).toEqual({ type: 'grade', lab: 'tcp-echo' });
    s = play(s, { type: 'grade-started', lab: 'tcp-echo' }, { type: 'graded', lab: 'tcp-echo', grade: failed });
    const screen = text(play(s, 'home').state);
    expect(screen).toContain('Not yet: 1 of 2 checks pass');
    expect(screen).toContain('✓ echoes-bytes  echoes every byte unchanged');
    expect(screen).toContain('✗ half-close    finishes echoing after the client ends');
    expect(screen.replace(/\s+/g, ' ')).toContain('sent 12 bytes then end(); got 0 bytes back before the server closed: did you set allowHalfOpen?');
    expect(screen).toContain('– unix-only     a check this machine skips');
    expect(screen).toContain('learner net.Socket#1 end');
    expect(s.state.notice?.text).toBe('1 of 2 checks pass: read the ✗ ones, fix your file, save, press g again.');
  });

  it('a file still the starter: the message once, the checks listed without repeating it', () => {
    const starter: LabGrade = {
      lab: 'tcp-echo',
      status: 'not-started',
      message: 'tcp-echo.ts is still the starter: make it do what its // TODO comments ask',
      checks: [
        { id: 'echoes-bytes', title: 'echoes every byte unchanged', status: 'skipped', message: 'not started' },
        { id: 'half-close', title: 'finishes echoing after the client ends', status: 'skipped', message: 'not started' },
      ],
    };
    const screen = text(play(ready(), 'enter', 'g', { type: 'graded', lab: 'tcp-echo', grade: starter }).state);
    expect(screen).toContain('Not started');
    expect(screen).toContain('– echoes-bytes  echoes every byte unchanged');
    expect(screen.match(/not started/g)).toBeNull();
  });

  it('shows one failing check trace at a time; t moves to the next', () => {
    const two: LabGrade = {
      ...failed,
      checks: [
        { id: 'first', title: 'first', status: 'failed', message: 'm1', trace: [ev(1, 'learner', 'net.Server#1', 'listening')] },
        { id: 'second', title: 'second', status: 'failed', message: 'm2', trace: [ev(2, 'learner', 'net.Socket#9', 'error')] },
      ],
    };
    const s = play(ready(), 'enter', 'g', { type: 'graded', lab: 'tcp-echo', grade: two });
    expect(text(s.state)).toContain('net.Server#1');
    expect(text(s.state)).not.toContain('net.Socket#9');
    expect(text(s.state)).toContain('Its trace: press t to show it here.');
    const next = play(s, 't');
    expect(text(next.state)).toContain('net.Socket#9');
    expect(text(next.state)).not.toContain('net.Server#1');
    expect(text(play(next, 't').state)).toContain('net.Server#1');
  });

  it('live results appear while grading', () => {
    const s = play(ready(), 'enter', 'g', { type: 'grade-started', lab: 'tcp-echo' }, { type: 'grade-progress', lab: 'tcp-echo', check: { id: 'echoes-bytes', title: 'echoes every byte', status: 'passed' } });
    expect(text(s.state)).toContain('1 done so far:');
    expect(text(s.state)).toContain('✓ echoes-bytes  echoes every byte');
    expect(text(s.state)).toContain('Grading: this takes a few seconds');
  });

  it('h asks for the next hint and scrolls to it when it arrives', () => {
    const s = play(ready(), 'enter', 'h');
    expect(s.commands.at(-1)).toEqual({ type: 'hint', lab: 'tcp-echo' });
    const shown = play(s, { type: 'progress', workspace: { dir: WORKSPACE, exists: true }, progress: { 'tcp-echo': { ...NEW, status: 'started', file: FILE, hintsShown: 1 }, udp: NEW } });
    expect(text(shown.state)).toContain('1. Echo bytes');
    expect(text(shown.state)).toContain('Write each chunk back as it came');
    expect(text(shown.state)).not.toContain('2. Half-close');
  });

  it('the solution is offered only after a pass', () => {
    const locked = play(ready(), 'enter', 's');
    expect(locked.commands.filter((c) => c.type === 'solution')).toHaveLength(0);
    expect(locked.state.notice?.text).toMatch(/unlocks once your exercise passes/);
    const passed = initialState(snapshotOf({ workspace: { dir: WORKSPACE, exists: true }, progress: { 'tcp-echo': { ...NEW, status: 'passed', passed: true, file: FILE }, udp: NEW } }), SIZE, 'tcp-echo');
    const asked = play(passed, 's');
    expect(asked.commands.at(-1)).toEqual({ type: 'solution', lab: 'tcp-echo' });
    const shown = play(asked, { type: 'solution', lab: 'tcp-echo', source: 'export function createEchoServer() {}\n' });
    expect(text(shown.state)).toContain('│ export function createEchoServer() {}');
  });

  it('a save of the learner file is noticed', () => {
    const s = play(ready(), 'enter', '3', { type: 'file-changed', lab: 'tcp-echo', file: FILE });
    expect(s.state.lab!.exercise.savedSinceGrade).toBe(true);
    expect(s.state.notice?.text).toMatch(/tcp-echo\.ts changed: press g/);
  });

  it('before any grade a save is not "since the last grade"; after one it is', () => {
    const saved = play(ready(), 'enter', '3', { type: 'file-changed', lab: 'tcp-echo', file: FILE }, 'down');
    expect(text(saved.state)).not.toContain('since the last grade');
    expect(text(saved.state)).toContain('Saved: press g to grade it.');
    const graded = play(saved, 'g', { type: 'graded', lab: 'tcp-echo', grade: failed });
    expect(text(graded.state)).not.toContain('Saved');
    const again = play(graded, { type: 'file-changed', lab: 'tcp-echo', file: FILE }, 'home');
    expect(text(again.state)).toContain('Saved since the last grade: press g to grade again.');
    // Graded in an earlier session: that grade counts too.
    const earlier = initialState(snapshotOf({ workspace: { dir: WORKSPACE, exists: true }, progress: { 'tcp-echo': { ...NEW, status: 'started', file: FILE, lastScore: { passed: 1, total: 3 } }, udp: NEW } }), SIZE);
    expect(text(play(earlier, 'enter', '3', { type: 'file-changed', lab: 'tcp-echo', file: FILE }, 'down').state)).toContain('Saved since the last grade');
  });

  it('after a pass it points at the solution and the next lab, not at editing', () => {
    const pass: LabGrade = { lab: 'tcp-echo', status: 'passed', file: FILE, checks: [{ id: 'echoes-bytes', title: 'echoes every byte unchanged', status: 'passed' }] };
    const s = play(ready(), 'enter', 'g', { type: 'graded', lab: 'tcp-echo', grade: pass }, 'down');
    const screen = text(s.state);
    expect(screen).not.toMatch(/edit your file, save, press g/i);
    expect(screen).not.toContain('replace the // TODO parts');
    expect(frame(s.state, plainTheme).status).toBe('Passed: s shows the reference solution, n opens the next lab.');
    // Passed in an earlier session, no grade yet in this one: the same.
    const before = initialState(snapshotOf({ workspace: { dir: WORKSPACE, exists: true }, progress: { 'tcp-echo': { ...NEW, status: 'passed', passed: true, file: FILE, lastScore: { passed: 5, total: 5 } }, udp: NEW } }), SIZE, 'tcp-echo');
    expect(frame(play(before, '3').state, plainTheme).status).toBe('Passed: s shows the reference solution, n opens the next lab.');
    // A later failing grade wins over the earlier pass.
    const broken = play(s, { type: 'graded', lab: 'tcp-echo', grade: failed }, 'end');
    expect(frame(broken.state, plainTheme).status).toBe('Fix what the ✗ checks say, save, press g again.');
  });
});

describe('keys from the terminal', () => {
  it('splits typed-ahead keys and names Enter, Tab and Ctrl-C inside them', async () => {
    const { keysFromInk } = await import('../src/ui/input.js');
    const none = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };
    expect(keysFromInk('jj\r', none)).toEqual(['j', 'j', 'enter']);
    expect(keysFromInk('', { ...none, upArrow: true })).toEqual(['up']);
    expect(keysFromInk('', { ...none, tab: true, shift: true })).toEqual(['backtab']);
    expect(keysFromInk('c', { ...none, ctrl: true })).toEqual(['ctrl-c']);
    expect(keysFromInk(' ', none)).toEqual(['space']);
  });
});

describe('terminal size', () => {
  it('re-wraps the trace when the terminal is resized and keeps every row within the width', () => {
    let s = play(home(), 'enter', 'r', { type: 'run-started', runId: 1, lab: 'tcp-echo', scenario: 'tour', learnerCode: false }, { type: 'trace', runId: 1, lab: 'tcp-echo', lines: echoTrace() });
    const wide = s.state.lab!.trace.log!.rows.length;
    s = play(s, { type: 'resize', columns: 50, rows: 24 });
    expect(s.state.lab!.trace.log!.rows.length).toBeGreaterThan(wide);
    const f = frame(s.state, plainTheme);
    for (const row of [f.header, ...f.status.split('\n'), f.keys, ...f.body]) expect(textWidth(row)).toBeLessThanOrEqual(50);
  });

  it('a notice too long for the status row takes a second row instead of being cut', () => {
    const text = 'tcp-echo.ts is still the starter: make it do what its // TODO comments ask, then grade again';
    const s = play(home(), 'enter', '3', { type: 'notice', level: 'warn', text });
    const f = frame(s.state, plainTheme);
    expect(f.status.split('\n')).toEqual(['! tcp-echo.ts is still the starter: make it do what its // TODO comments ask,', 'then grade again']);
    expect(f.body.length).toBeLessThanOrEqual(18);
  });

  it('a two-row status shortens the window, which still ends at the last row: the end of a trace, of a lesson step', () => {
    const long = 'a notice long enough to need two rows of the status bar at eighty columns, so the body is one row shorter';
    // Given a run whose trace fills more than the window, followed to its end
    const lines = Array.from({ length: 40 }, (_, i) => ev(i + 1, 'server', `net.Socket#${i + 1}`, 'connect'));
    let s = play(home(), 'enter', '2', 'r', { type: 'run-started', runId: 1, lab: 'tcp-echo', scenario: 'tour', learnerCode: false }, { type: 'trace', runId: 1, lab: 'tcp-echo', lines });
    s = play(s, { type: 'run-ended', runId: 1, lab: 'tcp-echo', result: { type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: {} }, stopped: false });
    const oneRow = frame(s.state, plainTheme);
    expect(oneRow.status.split('\n')).toHaveLength(1);
    expect(stripAnsi(oneRow.body.at(-1)!)).toBe('✓ tcp-echo / tour finished');
    // When a notice takes two status rows
    const twoRows = frame(play(s, { type: 'notice', level: 'warn', text: long }).state, plainTheme);
    expect(twoRows.status.split('\n')).toHaveLength(2);
    // Then the body is a row shorter and still ends with the trace's last row
    expect(twoRows.body).toHaveLength(oneRow.body.length - 1);
    expect(stripAnsi(twoRows.body.at(-1)!)).toBe('✓ tcp-echo / tour finished');
    expect(2 + twoRows.body.length + 2 + 1).toBeLessThanOrEqual(SIZE.rows - 1);

    // Given a lesson step scrolled to its end, when a two-row notice shows, then its last row is still on screen
    const tall = { ...snapshotOf().labs[0]!, steps: [{ title: 'Tall', body: Array.from({ length: 40 }, (_, i) => `paragraph ${i + 1}`).join('\n\n') }] };
    let lesson = play(initialState(snapshotOf({ labs: [tall, ...snapshotOf().labs.slice(1)] }), SIZE), 'enter', 'end');
    expect(stripAnsi(frame(lesson.state, plainTheme).body.at(-1)!)).toBe('paragraph 40');
    lesson = play(lesson, { type: 'notice', level: 'info', text: long });
    const shown = frame(lesson.state, plainTheme);
    expect(shown.status.split('\n')).toHaveLength(2);
    expect(stripAnsi(shown.body.at(-1)!)).toBe('paragraph 40');
  });
});

describe('80×24 with the real lessons', () => {
  /** Page through every step of every lab, in `themes`, checking each frame. */
  function everyStepFits(labs: LabView[], themes: Theme[]): void {
    expect(labs.length).toBeGreaterThan(0);
    const tooWide: string[] = [];
    const cutTitles: string[] = [];
    for (const theme of themes) {
      let s: AppStep = initialState(snapshotOf({ labs, progress: {} }), SIZE);
      s = { state: appReducer(s.state, { type: 'key', key: 'enter' }, theme).state, commands: [] };
      for (const lab of labs) {
        lab.steps.forEach((step, i) => {
          const seen: string[] = [];
          // Every page of the step, and the code shifted sideways as far as it goes.
          for (const keys of [['home'], ...Array.from({ length: 30 }, () => ['pagedown']), ['home', '>', '>', '>', '>', '>']]) {
            for (const key of keys) s = { state: appReducer(s.state, { type: 'key', key }, theme).state, commands: [] };
            const f = frame(s.state, theme);
            // Collected, then asserted once: an expect() per row costs more than the frame.
            for (const row of [f.header, f.status, f.keys, ...f.body]) {
              if (textWidth(row) > 78 + (row === f.header || row === f.status || row === f.keys ? 2 : 0)) tooWide.push(`${lab.id} step ${i + 1}: ${stripAnsi(row)}`);
            }
            if (f.header.includes('…')) cutTitles.push(stripAnsi(f.header));
            seen.push(...f.body.map(stripAnsi));
          }
          const text = seen.join('\n');
          expect(text.replace(/\s+/g, ' '), `${lab.id} step ${i + 1}`).toContain(step.title);
          expect(text).not.toContain('↪');
          expect(text).not.toMatch(/\*\*/);
          s = { state: appReducer(s.state, { type: 'key', key: 'right' }, theme).state, commands: [] };
        });
        s = { state: appReducer(s.state, { type: 'key', key: 'n' }, theme).state, commands: [] };
      }
    }
    expect(tooWide, 'rows wider than the terminal').toEqual([]);
    expect(cutTitles, 'titles cut short').toEqual([]);
  }

  it('every step of every lab fits: no row wider than 80 columns, titles whole, code never wrapped', async () => {
    const { loadLabs } = await import('../src/lab/registry.js');
    const { labView } = await import('../src/session/session.js');
    everyStepFits((await loadLabs()).map(labView), [plainTheme, createTheme(new Chalk({ level: 1 }))]);
  });

  it('in Chinese too: every step of every lab fits 80 columns (CJK two columns wide), titles whole', async () => {
    const { loadLabs } = await import('../src/lab/registry.js');
    const { labView } = await import('../src/session/session.js');
    const { setLanguage, currentLanguage } = await import('../src/i18n/index.js');
    const before = currentLanguage();
    await setLanguage('zh-CN');
    try {
      const labs = (await loadLabs(undefined, 'zh-CN')).map(labView);
      // The Chinese lessons were read, not the English fallback.
      expect(labs.find((l) => l.id === 'tcp-echo')!.steps[0]!.title).toMatch(/[\u4e00-\u9fff]/);
      everyStepFits(labs, [plainTheme]);
    } finally {
      await setLanguage(before);
    }
  });

  it('every scenario of every lab shows its whole title on the trace screen', async () => {
    const { loadLabs } = await import('../src/lab/registry.js');
    const { labView } = await import('../src/session/session.js');
    const labs = (await loadLabs()).map(labView);
    for (const lab of labs) {
      let s = initialState(snapshotOf({ labs, progress: {} }), SIZE, lab.id).state;
      s = appReducer(s, { type: 'key', key: '2' }, plainTheme).state;
      for (const scenario of lab.scenarios) {
        const f = frame(s, plainTheme);
        const body = f.body.map(stripAnsi);
        for (const row of body) expect(textWidth(row), `${lab.id}/${scenario.name}: ${row}`).toBeLessThanOrEqual(78);
        expect(body.join(' ').replace(/\s+/g, ' '), `${lab.id}/${scenario.name}`).toContain(scenario.title.replace(/\s+/g, ' '));
        s = appReducer(s, { type: 'key', key: 'right' }, plainTheme).state;
      }
    }
  });

  it('a title longer than the row wraps under itself instead of being cut', () => {
    const long = { ...snapshotOf().labs[0]!, steps: [{ title: 'Your turn: createUdpServer() and sendDatagram(), with a timeout and a once-guard', body: 'text' }] };
    const s = initialState(snapshotOf({ labs: [long] }), SIZE, 'tcp-echo');
    const body = frame(s.state, plainTheme).body.map(stripAnsi);
    expect(body[0]).toBe('Step 1 of 1  Your turn: createUdpServer() and sendDatagram(), with a timeout');
    expect(body[1]).toBe('             and a once-guard');
  });

  it('> and < move wide code sideways, within the widest line', () => {
    const code = ['```ts', `const x = '${'y'.repeat(100)}';`, '```'].join('\n');
    const wide = { ...snapshotOf().labs[0]!, steps: [{ title: 'Wide', body: code }] };
    const s = initialState(snapshotOf({ labs: [wide] }), SIZE, 'tcp-echo');
    expect(frame(s.state, plainTheme).body.map(stripAnsi)).toContain(`│ const x = '${'y'.repeat(64)}›`);
    expect(stripAnsi(frame(s.state, plainTheme).keys)).toContain('<> code');
    const right = play(s, '>', '>', '>', '>');
    expect(right.state.lab!.lesson.codeShift).toBe(113 - 76);
    expect(frame(right.state, plainTheme).body.map(stripAnsi)).toContain(`│ ‹${'y'.repeat(73)}';`);
    expect(play(right, '<', '<', '<').state.lab!.lesson.codeShift).toBe(0);
  });
});

describe('the trace screen in Chinese', () => {
  async function inChinese<T>(work: () => T): Promise<T> {
    const { setLanguage, currentLanguage } = await import('../src/i18n/index.js');
    const before = currentLanguage();
    await setLanguage('zh-CN');
    try {
      return work();
    } finally {
      await setLanguage(before);
    }
  }

  it('Given zh-CN, the intro labels its columns, the keys and tips say packets and diagram, and the summary labels its keys', async () => {
    const lab = { ...snapshotOf().labs[0]!, summaryLabels: { port: '端口' } };
    const rows = await inChinese(() => {
      const start = initialState(snapshotOf({ labs: [lab, ...snapshotOf().labs.slice(1)] }), SIZE);
      const intro = text(play(start, 'enter', '2').state);
      const ran = play(
        start,
        'enter',
        '2',
        'r',
        { type: 'run-started', runId: 1, lab: 'tcp-echo', scenario: 'tour', learnerCode: false },
        { type: 'trace', runId: 1, lab: 'tcp-echo', lines: echoTrace() },
        { type: 'run-ended', runId: 1, lab: 'tcp-echo', result: { type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: { port: 4000 } }, stopped: false },
        'end',
      );
      const diagram = play(ran, 'd');
      return { intro, ran: text(ran.state), diagram: text(diagram.state) };
    });
    expect(rows.intro).toMatch(/^ {2}时间 {7}参与者 {5}对象 {19}事件 {9}详情$/m);
    expect(rows.intro).toContain('r 运行演示，u 用你的文件运行，p 带上数据包');
    expect(rows.intro).toMatch(/u 你的 {2}p 抓包 {2}d 时序图/);
    expect(rows.ran).toMatch(/^端口: 4000$/m);
    expect(rows.ran).toContain('✓ tcp-echo / tour 已完成');
    expect(rows.diagram).toMatch(/d 日志/);
    for (const screen of [rows.intro, rows.ran, rows.diagram]) expect(screen).not.toMatch(/\b(yours|packets|diagram|stands for|time +actor)\b/);
  });
});
