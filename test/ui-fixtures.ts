/**
 * Fixtures for the interactive lab's tests: labs as the UI sees them, a fake controller that
 * records commands and lets a test emit events, trace lines, and screen normalization.
 */
import type { LabProgressView, LabView, SessionCommand, SessionEvent, SessionPort, SessionSnapshot } from '../src/session/types.js';
import type { TraceLine } from '../src/trace/event.js';
import { appReducer, type AppState, type AppStep } from '../src/ui/app-reducer.js';
import type { Input } from '../src/ui/input.js';
import { stripAnsi } from '../src/ui/text.js';
import { plainTheme } from '../src/ui/theme.js';

export const WORKSPACE = '/nonexistent-netlab-home/netlab-exercises';

export const echoLab: LabView = {
  id: 'tcp-echo',
  title: 'TCP echo server',
  summary: 'net.Server and net.Socket: a byte stream, half-close, and a server that closes politely',
  scenarios: [
    { name: 'tour', title: 'a server, two clients' },
    { name: 'half-close', title: 'allowHalfOpen: answering after the client ended' },
  ],
  steps: [
    {
      title: 'Two objects',
      body: [
        'Everything TCP in Node comes from `node:net`. A **net.Server** accepts connections; a *net.Socket* is one end of one.',
        '',
        '- `listening` once it is bound',
        '- `connection` for each client',
        '',
        '```ts',
        "server.listen(0, '127.0.0.1');",
        '```',
      ].join('\n'),
    },
    { title: 'A byte stream', body: 'Two `write()` calls may arrive as one `data` event.' },
  ],
  hints: [
    { title: 'Echo bytes', body: 'Write each chunk back as it came: `socket.write(chunk)`.' },
    { title: 'Half-close', body: 'Look at `allowHalfOpen`.' },
  ],
  exports: ['createEchoServer'],
  unsupported: null,
};

export const udpLab: LabView = {
  id: 'udp',
  title: 'UDP datagrams',
  summary: 'dgram sockets: no connection, boundaries kept',
  scenarios: [{ name: 'tour', title: 'one socket, many peers' }],
  steps: [{ title: 'Datagrams', body: 'No connection: each `send()` is one datagram.' }],
  hints: [],
  exports: ['createUdpServer', 'sendDatagram'],
  unsupported: null,
};

export const NEW: LabProgressView = { status: 'new', file: null, hintsShown: 0, passed: false, lastScore: null };

export function snapshotOf(overrides: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return {
    labs: [echoLab, udpLab],
    workspace: { dir: WORKSPACE, exists: false },
    progress: { 'tcp-echo': { ...NEW }, udp: { ...NEW } },
    ...overrides,
  };
}

/** A controller that does nothing but record what it was asked and emit what a test says. */
export class FakeSession implements SessionPort {
  readonly sent: SessionCommand[] = [];
  private listeners = new Set<(e: SessionEvent) => void>();

  constructor(readonly snapshot: SessionSnapshot = snapshotOf()) {}

  subscribe(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(command: SessionCommand): void {
    this.sent.push(command);
  }

  emit(event: SessionEvent): void {
    for (const l of [...this.listeners]) l(event);
  }
}

let seq = 0;
export function ev(t: number, actor: string, object: string, name: string, detail: Record<string, never> | Record<string, string | number | boolean | null> = {}): TraceLine {
  return { type: 'event', seq: ++seq, t, actor, object, name, source: 'emit', detail };
}

export function note(t: number, actor: string, text: string): TraceLine {
  return { type: 'note', seq: ++seq, t, actor, text };
}

/** A tcp-echo run's first lines, as the demo sends them. */
export function echoTrace(): TraceLine[] {
  return [
    ev(3.2, 'server', 'net.Server#1', 'listening', { address: '127.0.0.1:40000' }),
    note(3.9, 'netlab', 'the server listens on 127.0.0.1:40000 (port 0 asked the OS for a free port)'),
    ev(5.1, 'server', 'net.Server#1', 'connection', { socket: 'net.Socket#1', local: '127.0.0.1:40000', remote: '127.0.0.1:50000' }),
    ev(5.4, 'client#1', 'net.Socket#1', 'connect', { local: '127.0.0.1:50000', remote: '127.0.0.1:40000' }),
    ev(6.0, 'server', 'net.Socket#1', 'data', { bytes: 6, preview: 'hello ' }),
    ev(6.2, 'client#1', 'net.Socket#1', 'data', { bytes: 6, preview: 'hello ' }),
    ev(6.3, 'server', 'net.Socket#1', 'resume'),
    ev(7.0, 'client#1', 'net.Socket#1', 'end'),
    ev(7.5, 'client#1', 'net.Socket#1', 'close', { hadError: false }),
  ];
}

/** A screen as text: ANSI codes removed, trailing spaces trimmed, the 80×24 frame checked. */
export function normalize(frame: string | undefined): string {
  return stripAnsi(frame ?? '')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

export const tick = () => new Promise((r) => setTimeout(r, 0));

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  pageUp: '\u001B[5~',
  home: '\u001B[H',
  ctrlC: '\u0003',
} as const;

/** Feed inputs (a string is a key) to the app's reducer one after the other; collect every command. */
export function play(start: AppStep | AppState, ...inputs: Array<Input | string>): AppStep {
  let state = 'state' in start && 'commands' in start ? start.state : (start as AppState);
  const commands: SessionCommand[] = 'commands' in start ? [...start.commands] : [];
  for (const input of inputs) {
    const step = appReducer(state, typeof input === 'string' ? { type: 'key', key: input } : input, plainTheme);
    state = step.state;
    commands.push(...step.commands);
  }
  return { state, commands };
}
