/**
 * The interactive trace with packets: given a lab open on its trace, when the learner presses
 * `p` (packets) or `d` (the sequence diagram), then these commands go to the controller and this
 * is what the 80×24 screen shows.
 */
import { describe, expect, it } from 'vitest';
import { initialState, type AppState, type AppStep } from '../src/ui/app-reducer.js';
import { DIAGRAM_LINES } from '../src/ui/trace-reducer.js';
import type { Input } from '../src/ui/input.js';
import { plainTheme } from '../src/ui/theme.js';
import { frame } from '../src/ui/views.js';
import { stripAnsi, textWidth } from '../src/ui/text.js';
import type { TraceLine } from '../src/trace/event.js';
import { echoTrace, ev, play, snapshotOf } from './ui-fixtures.js';

const SIZE = { columns: 80, rows: 24 };

const text = (state: AppState) => {
  const f = frame(state, plainTheme);
  return stripAnsi([f.header, ...f.body, f.status, f.keys].join('\n'));
};
const runs = (step: AppStep) => step.commands.filter((c) => c.type === 'run');

function packet(t: number, name: string, path: string, len = 0): TraceLine {
  return ev(t, 'wire', 'tcp', name, { proto: 'tcp', src: '127.0.0.1:1', dst: '127.0.0.1:2', path, seq: 0, ack: 0, win: 65483, len });
}

/** The echo run with its handshake, data and FINs on the wire. */
function wiredTrace(): TraceLine[] {
  const [listening, note, connection, connect, ...rest] = echoTrace();
  return [
    listening!,
    note!,
    packet(5.0, 'SYN', 'client#1 → server'),
    packet(5.01, 'SYN-ACK', 'server → client#1'),
    packet(5.02, 'ACK', 'client#1 → server'),
    connection!,
    connect!,
    packet(5.9, 'PSH', 'client#1 → server', 6),
    ...rest.slice(0, 3),
    packet(6.9, 'FIN', 'client#1 → server'),
    packet(7.1, 'FIN', 'server → client#1'),
    ...rest.slice(3),
  ];
}

const opened = () => initialState(snapshotOf(), SIZE, 'tcp-echo');
const started = (runId: number, packets: boolean): Input => ({ type: 'run-started', runId, lab: 'tcp-echo', scenario: 'tour', learnerCode: false, packets });
const ended = (runId: number): Input => ({ type: 'run-ended', runId, lab: 'tcp-echo', result: { type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: {} }, stopped: false });

describe('p: the demo with its packets', () => {
  it('runs the demo again capturing its packets, and every later run too, in every lab, until p again', () => {
    const first = play(opened(), 'r', started(1, false), ended(1));
    const wired = play(first, 'p');
    expect(runs(wired).at(-1)).toEqual({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: false, packets: true });
    expect(stripAnsi(frame(wired.state, plainTheme).keys)).toContain('p no packets');
    const again = play(wired, started(2, true), ended(2), 'r');
    expect(runs(again).at(-1)).toMatchObject({ packets: true });
    // Remembered when another lab opens.
    const next = play(again, 'n', 'r');
    expect(runs(next).at(-1)).toEqual({ type: 'run', lab: 'udp', scenario: 'tour', learnerCode: false, packets: true });
    const off = play(next, { type: 'run-started', runId: 3, lab: 'udp', scenario: 'tour', learnerCode: false, packets: true }, { type: 'run-ended', runId: 3, lab: 'udp', result: { type: 'result', ok: true, lab: 'udp', scenario: 'tour', summary: {} }, stopped: false }, 'p');
    expect(runs(off)).toHaveLength(runs(next).length);
    expect(runs(play(off, 'r')).at(-1)).toEqual({ type: 'run', lab: 'udp', scenario: 'tour', learnerCode: false });
  });

  it("with packets on, grading asks for each failing check's packets too; with them off, it does not", () => {
    const grades = (step: AppStep) => step.commands.filter((c) => c.type === 'grade');
    const wired = play(opened(), 'p', started(1, true), ended(1), '3', 'g');
    expect(grades(wired).at(-1)).toEqual({ type: 'grade', lab: 'tcp-echo', packets: true });
    const plain = play(opened(), '3', 'g');
    expect(grades(plain).at(-1)).toEqual({ type: 'grade', lab: 'tcp-echo' });
  });

  it('during a run, p changes the next run only', () => {
    const s = play(opened(), 'r', started(1, false), 'p');
    expect(runs(s)).toHaveLength(1);
    expect(s.state.notice?.text).toMatch(/next run/);
  });

  it('shows the packets in the log as `netlab run` does, and counts them', () => {
    const s = play(opened(), 'p', started(1, true), { type: 'trace', runId: 1, lab: 'tcp-echo', lines: wiredTrace() }, ended(1));
    const screen = text(play(s, 'home').state);
    expect(screen).toMatch(/wire\s+tcp\s+SYN\s+client#1 → server {2}seq=0 ack=0\s+win=65483/);
    expect(screen).toMatch(/PSH\s+client#1 → server[^\n]*\n\s+win=65483  6 B/);
    expect(screen).toContain('6 packets');
  });

  it('where capture is impossible, says why in one line and the run goes on', () => {
    let s = play(opened(), 'p', started(1, true));
    s = play(s, { type: 'packets-unavailable', runId: 1, lab: 'tcp-echo', reason: 'tcpdump is not installed (apt install tcpdump)' });
    expect(frame(s.state, plainTheme).status).toBe('! No packets: tcpdump is not installed (apt install tcpdump)');
    s = play(s, { type: 'trace', runId: 1, lab: 'tcp-echo', lines: echoTrace() }, ended(1));
    expect(s.state.lab!.trace.status).toBe('passed');
    expect(stripAnsi(frame(s.state, plainTheme).status)).toMatch(/^! The run finished without its packets: tcpdump is not installed/);
    expect(text(s.state)).toContain('no packets');
  });
});

describe('d: the run as a sequence diagram', () => {
  it('switches between the log and the diagram: a column per actor, packets as arrows, time flowing down', () => {
    const s = play(opened(), 'p', started(1, true), { type: 'trace', runId: 1, lab: 'tcp-echo', lines: wiredTrace() }, ended(1));
    const diagram = play(s, 'd');
    expect(diagram.state.lab!.trace.view).toBe('diagram');
    const f = frame(diagram.state, plainTheme);
    const rows = f.body.map(stripAnsi);
    const header = rows.findIndex((r) => /server/.test(r) && /client#1/.test(r) && !/●/.test(r));
    expect(header).toBeGreaterThan(0);
    const syn = rows.findIndex((r) => /SYN\b/.test(r) && /[▶◀]/.test(r));
    const synAck = rows.findIndex((r) => /SYN-ACK/.test(r));
    const fin = rows.findIndex((r) => /FIN/.test(r));
    expect(syn).toBeGreaterThan(header);
    expect(synAck).toBeGreaterThan(syn);
    expect(fin).toBeGreaterThan(synAck);
    expect(rows.some((r) => /● connection/.test(r))).toBe(true);
    for (const row of [f.header, ...f.body, ...f.status.split('\n'), f.keys]) expect(textWidth(row)).toBeLessThanOrEqual(80);
    expect(stripAnsi(f.keys)).toContain('d log');
    const back = play(diagram, 'd');
    expect(back.state.lab!.trace.view).toBe('log');
    expect(text(play(back, 'home').state)).toMatch(/wire\s+tcp\s+SYN/);
  });

  it('scrolls like the log, the actors staying on top', () => {
    const many: TraceLine[] = Array.from({ length: 60 }, (_, i) => packet(i, i % 2 ? 'ACK' : 'PSH', i % 2 ? 'server → client#1' : 'client#1 → server', i % 2 ? 0 : 3));
    const s = play(opened(), 'p', started(1, true), { type: 'trace', runId: 1, lab: 'tcp-echo', lines: many }, ended(1), 'd');
    const tr = s.state.lab!.trace;
    expect(tr.offset).toBeGreaterThan(0);
    const top = play(s, 'home');
    const rows = frame(top.state, plainTheme).body.map(stripAnsi);
    expect(rows.find((r) => /client#1/.test(r) && !/[▶◀]/.test(r))).toBeDefined();
    expect(rows.some((r) => /^\s+0\.0ms/.test(r))).toBe(true);
    const down = play(top, 'pagedown');
    const after = frame(down.state, plainTheme).body.map(stripAnsi);
    expect(after.some((r) => /^\s+0\.0ms/.test(r))).toBe(false);
    expect(after.find((r) => /client#1/.test(r) && !/[▶◀]/.test(r))).toBeDefined();
  });

  it('a flood draws its last lines only, and says how many earlier ones the log has', () => {
    const flood: TraceLine[] = Array.from({ length: DIAGRAM_LINES + 250 }, (_, i) => packet(i, 'ACK', i % 2 ? 'server → client#1' : 'client#1 → server'));
    const s = play(opened(), 'p', started(1, true), { type: 'trace', runId: 1, lab: 'tcp-echo', lines: flood }, ended(1), 'd', 'home');
    const diagram = s.state.lab!.trace.diagram!;
    expect(diagram.rows[0]).toBe('… 250 earlier lines not drawn: d shows the whole log');
    expect(diagram.rows).toHaveLength(DIAGRAM_LINES + 1);
    expect(diagram.rows.at(-1)).toMatch(/^\s+649\.0ms/);
  });

  it('< and > move the columns sideways when there are more actors than fit in 80 columns', () => {
    const actors = ['server', 'client#1', 'client#2', 'client#3', 'client#4', 'client#5', 'client#6'];
    const lines = actors.map((a, i) => ev(i, a, 'net.Socket#1', 'connect'));
    const s = play(opened(), 'r', started(1, false), { type: 'trace', runId: 1, lab: 'tcp-echo', lines }, ended(1), 'd');
    const first = s.state.lab!.trace.diagram!;
    expect(first.left).toBe(0);
    expect(first.right).toBeGreaterThan(0);
    expect(stripAnsi(frame(s.state, plainTheme).keys)).toContain('<> actors');
    const right = play(s, '>');
    expect(right.state.lab!.trace.diagram!.left).toBe(1);
    const header = (step: AppStep) => stripAnsi(frame(step.state, plainTheme).body[2]!);
    expect(header(s)).toMatch(/^\s+server\s+client#1\s+client#2\s+client#3$/);
    expect(header(right)).toMatch(/^\s+client#1\s+client#2\s+client#3\s+client#4$/);
    const far = play(right, '>', '>', '>', '>', '>', '>', '>');
    expect(far.state.lab!.trace.diagram!.right).toBe(0);
    expect(header(far)).toMatch(/client#6$/);
    expect(play(far, '<').state.lab!.trace.diagram!.left).toBe(far.state.lab!.trace.diagram!.left - 1);
  });
});
