import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import stringWidth from 'string-width';
import { hardWrap, narrowOnly, sliceColumns, stripAnsi, textWidth, truncate, wrapText } from '../src/ui/text.js';
import { codeBlock } from '../src/ui/code-block.js';
import { loadHighlighter } from '../src/ui/highlight.js';
import { renderInline, renderMarkdown } from '../src/ui/markdown.js';
import { createTheme, plainTheme } from '../src/ui/theme.js';
import { TraceLog } from '../src/ui/trace-log.js';
import { ev, echoTrace } from './ui-fixtures.js';

const colour = createTheme(new Chalk({ level: 1 }));

describe('measuring terminal text', () => {
  it('the characters measured without string-width take one column for string-width too', () => {
    const narrow: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (narrowOnly(ch)) narrow.push(ch);
    }
    expect(narrow.length).toBeGreaterThan(400);
    expect(narrow.filter((ch) => stringWidth(ch) !== 1).map((ch) => ch.codePointAt(0)!.toString(16))).toEqual([]);
    // A narrow arrow made an emoji by a variation selector is measured by string-width: two columns.
    expect(textWidth('↔\ufe0f')).toBe(stringWidth('↔\ufe0f'));
    expect(textWidth('── ✓ 通过 ──')).toBe(stringWidth('── ✓ 通过 ──'));
  });
});

describe('wrapping terminal text', () => {
  it('wraps at spaces, with a hanging indent, never past the width', () => {
    const rows = wrapText('the server emits close only when every connection has ended', 20, '  ');
    expect(rows).toEqual(['the server emits', '  close only when', '  every connection', '  has ended']);
    for (const r of rows) expect(textWidth(r)).toBeLessThanOrEqual(20);
  });

  it('cuts a word longer than a row', () => {
    expect(wrapText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(hardWrap('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
  });

  it('keeps colours across a break: each row closes and reopens them', () => {
    const chalk = new Chalk({ level: 1 });
    const rows = wrapText(chalk.red('alpha beta gamma'), 11);
    expect(rows.map(stripAnsi)).toEqual(['alpha beta', 'gamma']);
    expect(rows[0]).toMatch(/^\x1b\[31malpha beta\x1b\[0m$/);
    expect(rows[1]).toMatch(/^\x1b\[31mgamma\x1b\[39m$/);
  });

  it('truncates with an ellipsis, counting wide characters as two columns', () => {
    expect(truncate('hello world', 8)).toBe('hello w…');
    expect(textWidth('网络')).toBe(4);
    expect(truncate('short', 8)).toBe('short');
  });
});

describe('lessons in a terminal', () => {
  it('Chinese bold and italics sit in the sentence without spaces; a space next to Latin text or code stays', () => {
    const chalk = new Chalk({ level: 1 });
    const theme = createTheme(chalk);
    // The spaces around ** are what CommonMark needs to see the bold next to （…）; the reader must not see them.
    const md = '一个 **双工流（Duplex stream）**。它是 **每个源** 的，`agent: false` **不会** 取；一个 **Duplex** 流，*斜体* 也一样。';
    expect(renderMarkdown(md, 120, plainTheme)).toEqual(['一个双工流（Duplex stream）。它是每个源的，`agent:\u00a0false` 不会取；一个 Duplex 流，斜体也一样。']);
    expect(stripAnsi(renderMarkdown(md, 120, theme).join(''))).toBe('一个双工流（Duplex stream）。它是每个源的，agent:\u00a0false 不会取；一个 Duplex 流，斜体也一样。');
    expect(renderMarkdown(md, 120, theme).join('')).toContain(`一个${chalk.bold('双工流（Duplex stream）')}。`);
    expect(renderMarkdown('Ask for **port 0** and the OS picks a *free* port.', 80, plainTheme)).toEqual(['Ask for port 0 and the OS picks a free port.']);
  });

  it('renders headings, emphasis, lists and code readably without colour', () => {
    const md = [
      '### Why port 0',
      'Ask for **port 0** and the OS picks a *free* port: read it with `server.address()`.',
      '',
      '- `listening`: bound',
      '- `connection`: a client',
      '  arrived',
      '',
      '```js',
      "server.listen(0, '127.0.0.1', () => console.log(server.address().port));",
      '```',
      '',
      '| event | when |',
      '|---|---|',
      '| `end` | the peer half-closed |',
      '',
      '> Node docs are the authority.',
    ].join('\n');
    expect(renderMarkdown(md, 40, plainTheme)).toEqual([
      'Why port 0',
      '',
      'Ask for port 0 and the OS picks a free',
      'port: read it with `server.address()`.',
      '',
      '  • `listening`: bound',
      '  • `connection`: a client arrived',
      '',
      '┌ js',
      "│ server.listen(0, '127.0.0.1', () => c›",
      '',
      '  event  when',
      '  ───────────────────────────',
      '  `end`  the peer half-closed',
      '',
      '│ Node docs are the authority.',
    ]);
  });

  it('styles code, strong and emphasis with colour, and drops the markup', () => {
    const text = renderInline('a `net.Socket` is **one end**, *not* a server; see [docs](https://nodejs.org)', colour);
    expect(stripAnsi(text)).toBe('a net.Socket is one end, not a server; see docs (https://nodejs.org)');
    expect(text).toContain('\x1b[33mnet.Socket\x1b[39m');
    expect(text).toContain('\x1b[1mone end\x1b[22m');
    expect(text).toContain('\x1b[3mnot\x1b[23m');
  });

  it('reads ** around inline code as strong, not as literal asterisks', () => {
    // Inline code's spaces are no-break spaces, so that it is never wrapped.
    expect(renderInline('**Since Node 19 it has `keepAlive: true`**, and **`::1`** first', plainTheme)).toBe('Since Node 19 it has `keepAlive:\u00a0true`, and `::1` first');
    const styled = renderInline('**`::1`**', colour);
    expect(stripAnsi(styled)).toBe('::1');
    expect(styled).toContain('\x1b[1m');
    expect(renderMarkdown('- **`dns.lookup()` asks the OS**. It calls getaddrinfo.', 80, plainTheme)).toEqual(['  • `dns.lookup()` asks the OS. It calls getaddrinfo.']);
  });

  it('never wraps code: a line wider than the block is cut with a marker, and scrolls sideways', () => {
    const code = 'const server = net.createServer((socket) => { /* one call per connection */ });\nserver.listen(0);';
    const view = {};
    expect(codeBlock(code, 'ts', 40, plainTheme, view)).toEqual(['┌ ts', '│ const server = net.createServer((sock›', '│ server.listen(0);']);
    expect(view).toEqual({ overflow: 79 - 38 });
    const shifted = codeBlock(code, 'ts', 40, plainTheme, { shift: 24 });
    expect(shifted).toEqual(['┌ ts', '│ ‹Server((socket) => { /* one call per›', '│ ‹']);
    expect(codeBlock(code, 'ts', 40, plainTheme, { shift: 41 })[1]).toBe('│ ‹> { /* one call per connection */ });');
    for (const r of [...shifted, ...codeBlock(code, 'ts', 40, colour, { shift: 10 })]) expect(textWidth(r)).toBeLessThanOrEqual(40);
  });

  it('colours code by syntax once the highlighter is loaded, and not at all without colour', async () => {
    await loadHighlighter();
    const rows = codeBlock("const n = 42; // the answer\nreturn 'x';", 'ts', 60, colour);
    expect(rows.map(stripAnsi)).toEqual(['┌ ts', '│ const n = 42; // the answer', "│ return 'x';"]);
    expect(rows[1]).toContain('\x1b[35mconst\x1b[39m');
    expect(rows[1]).toContain('\x1b[90m// the answer\x1b[39m');
    expect(rows[2]).toContain("\x1b[32m'x'\x1b[39m");
    expect(codeBlock('echo hi | nc -u 127.0.0.1 41234', 'sh', 60, colour)[1]).toMatch(/\x1b\[\d+m/);
    expect(codeBlock('const n = 42;', 'ts', 60, plainTheme)).toEqual(['┌ ts', '│ const n = 42;']);
  });

  it('fits a wide table by wrapping cells inside narrower columns', () => {
    const md = ['| option | what it does |', '|---|---|', '| `allowHalfOpen` | keep writing after the peer ended its side of the connection |'].join('\n');
    const rows = renderMarkdown(md, 40, plainTheme);
    for (const r of rows) expect(textWidth(r)).toBeLessThanOrEqual(40);
    expect(rows.join(' ').replace(/\s+/g, ' ')).toContain('keep writing after the peer ended its side of the connection'.split(' ').slice(0, 3).join(' '));
    expect(rows[0]).toMatch(/^  option\s+what it does$/);
  });

  it('measures CJK as two columns when wrapping and slicing', () => {
    expect(wrapText('网络编程 网络编程', 9)).toEqual(['网络编程', '网络编程']);
    expect(sliceColumns('ab网络cd', 1, 4)).toBe('b网');
    expect(sliceColumns('ab网络cd', 3, 4)).toBe('络c');
  });

  describe('Chinese paragraphs (real lines from the zh-CN lessons)', () => {
    const tcpEcho = '- `net.Server` 负责接受连接。绑定完成后它触发一次 `listening`，每接受一个客户端触发一次 `connection`，出问题时触发 `error`，彻底关闭后触发 `close`。';
    const agent = '不传 `agent` 选项时，请求使用 `http.globalAgent`。传 `agent: false` 时，它会得到一个专属的一次性 Agent（两者后文都会细说）。';
    const run = '运行 `netlab run tcp-echo`：跟踪里的每一行，都是一个真实的 `Server` 或 `Socket` 在真实进程（`server`、`client#1`、`client#2`）中触发的事件，并带有时间。';
    const closing = new Set([...'。，、：；！？）」']);

    for (const width of [24, 31, 40, 57, 78]) {
      it(`breaks between characters at ${width} columns, never inside inline code or before closing punctuation`, () => {
        for (const md of [tcpEcho, agent, run]) {
          const rows = renderMarkdown(md, width, plainTheme);
          for (const r of rows) {
            expect(textWidth(r)).toBeLessThanOrEqual(width);
            // Inline code keeps its backticks without colour: an odd count means it was cut.
            expect((r.match(/`/g) ?? []).length % 2, r).toBe(0);
            expect(closing.has(r.trimStart()[0]!), r).toBe(false);
          }
          // Nothing lost but the spaces the breaks replace.
          expect(rows.map((r) => r.trim()).join('').replace(/^• /, '').replace(/[ \u00a0]/g, '')).toBe(md.replace(/^- /, '').replace(/ /g, ''));
        }
      });
    }

    it('fills the row instead of leaving it half empty, as a space-only wrap did', () => {
      const rows = wrapText('网络编程网络编程网络编程', 10);
      expect(rows).toEqual(['网络编程网', '络编程网络', '编程']);
    });

    it('keeps opening punctuation with what follows and closing punctuation with what precedes', () => {
      expect(wrapText('甲乙丙丁戊。己', 10)).toEqual(['甲乙丙丁', '戊。己']);
      expect(wrapText('甲乙丙丁（戊己', 10)).toEqual(['甲乙丙丁', '（戊己']);
    });

    it('breaks between a CJK character and a Latin word, keeping the word whole', () => {
      expect(wrapText('触发一次listening事件', 12)).toEqual(['触发一次', 'listening事', '件']);
    });
  });

  it('leaves snake_case and lone asterisks alone', () => {
    expect(renderInline('allow_half_open and 2 * 3 * 4', plainTheme)).toBe('allow_half_open and 2 * 3 * 4');
  });
});

describe('the trace log', () => {
  it('shows the lines as `netlab run` does: quiet events hidden, one row per event', () => {
    const log = TraceLog.of(echoTrace(), plainTheme, 200);
    expect(log.received).toBe(9);
    expect(log.rows).toHaveLength(8);
    // Columns as wide as this run's names: actors up to client#1, objects up to net.Socket#1.
    expect(log.rows[0]).toBe('    3.2ms  server   net.Server#1 listening    address=127.0.0.1:40000');
    expect(log.rows[3]).toBe('    5.4ms  client#1 net.Socket#1 connect      local=127.0.0.1:50000 remote=127.0.0.1:40000');
    expect(log.rows.some((r) => r.includes('resume'))).toBe(false);
  });

  it('wraps a long line under the object column', () => {
    const log = TraceLog.of(echoTrace().slice(1, 2), plainTheme, 60);
    expect(log.rows).toEqual([
      '    3.9ms  netlab » the server listens on 127.0.0.1:40000',
      '                  (port 0 asked the OS for a free port)',
    ]);
  });

  it('keeps its columns with actor names of any length', () => {
    const lines = [
      ev(1, 'client(k=1)', 'http.ClientRequest#1', 'socket'),
      ev(2, 'client(keepAlive: false, ∞)', 'net.Socket#2', 'connect', { remote: '127.0.0.1:40000' }),
      ev(3, 'client(keepAlive: false)', 'net.Socket#3', 'connect', { remote: '127.0.0.1:40000' }),
      ev(4, 'server(allowHalfOpen:false)', 'net.Socket#1', 'end'),
      ev(5, 'client(keepAlive: false, ∞)', 'net.Socket#2', 'close', { hadError: false }),
      ev(6, 'client(k=1)', 'net.Socket#1', 'data', { bytes: 5, preview: 'hello' }),
    ];
    const log = TraceLog.of(lines, plainTheme, 78);
    // Every event row has its object at the same column, and no row is wider than the screen.
    const events = log.rows.filter((r) => / net\.|http\./.test(r));
    const at = events.map((r) => r.search(/(net|http)\.\S+#\d/));
    expect(new Set(at).size).toBe(1);
    for (const r of log.rows) expect(textWidth(r)).toBeLessThanOrEqual(78);
    // A shortened name is the same on every row, and said once in full.
    expect(log.rows.filter((r) => r.includes('client(…se, ∞)'))).toHaveLength(3);
    expect(log.rows).toContain('    2.0ms  client(…se, ∞) » stands for client(keepAlive: false, ∞)');
    expect(log.rows.some((r) => r.includes('client(…false) » stands for client(keepAlive: false)'))).toBe(true);
    expect(log.rows.some((r) => r.includes('server(…false) » stands for server(allowHalfOpen:false)'))).toBe(true);
    // Names that fit stay whole, padded to the column.
    expect(log.rows.at(-1)).toBe('    6.0ms  client(k=1)    net.Socket#1         data         5 B "hello"');
  });

  it('gives each actor its own colour', () => {
    const log = TraceLog.of(echoTrace(), colour, 200);
    const colourOf = (actor: string) => /\x1b\[(\d+)m/.exec(log.rows.find((r) => stripAnsi(r).includes(`  ${actor} `) && !stripAnsi(r).includes('»'))!.slice(20))?.[1];
    expect(colourOf('server')).toBeDefined();
    expect(colourOf('client#1')).toBeDefined();
    expect(colourOf('server')).not.toBe(colourOf('client#1'));
  });

  it('folds a flood and stays bounded: 50 000 events, a few thousand rows at most', () => {
    const log = new TraceLog(plainTheme, 80, 1000);
    for (let batch = 0; batch < 50; batch++) {
      const lines = [];
      for (let i = 0; i < 1000; i++) {
        const n = batch * 1000 + i;
        // Alternate objects so the coalescer cannot fold everything into one row.
        lines.push(ev(n / 10, n % 2 ? 'client#1' : 'server', `net.Socket#${n % 2 ? 1 : 2}`, 'data', { bytes: 1, preview: 'x' }));
      }
      log.append(lines);
    }
    log.end();
    expect(log.received).toBe(50_000);
    expect(log.rows.length).toBeLessThanOrEqual(1000);
    expect(log.dropped).toBeGreaterThan(0);
    expect(log.dropped + log.rows.length).toBe(50_000);
  });

  it('folds consecutive identical events into one summary row', () => {
    const lines = Array.from({ length: 200 }, (_, i) => ev(i, 'server', 'net.Socket#1', 'data', { bytes: 10, preview: 'x' }));
    const log = TraceLog.of(lines, plainTheme, 200);
    expect(log.rows).toHaveLength(4);
    expect(log.rows[3]).toContain('… 197 more "data" events on net.Socket#1 (1.9 KiB in total)');
  });
});
