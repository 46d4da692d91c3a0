/**
 * A private network for a run: a Linux user + mount + network namespace
 * (`unshare --user --keep-caps --mount --net`) with loopback up, optionally the lab's own
 * `/etc/hosts`, `/etc/resolv.conf` and `/etc/nsswitch.conf` bind-mounted over the real ones, and
 * optionally a packet capture of its loopback (`tcpdump`, see src/wire/).
 *
 * Programs inside see the lab's hosts file and talk to the lab's DNS server through the
 * operating system's own resolver (getaddrinfo), while the machine's files are never written:
 * a bind mount in a private mount namespace is visible only to the processes in it, and it
 * disappears with them. No root is needed: the user namespace gives its creator every
 * capability inside it, which allows the mounts, `ip link set lo up` and the capture.
 *
 * Why the user is left unmapped (`--keep-caps`) rather than mapped to root (`--map-root-user`):
 * tcpdump, started as root, drops its privileges to its own user, which a namespace mapped to
 * root cannot provide (setgroups is denied there), so it refuses to capture. Unmapped, it keeps
 * the capabilities it inherited and captures. The programs that join keep the caller's own user
 * and no privilege; the setup lets anyone bind ports below 1024 in this network instead
 * (`ip_unprivileged_port_start`, per network namespace), for a DNS server on port 53.
 *
 * Shape: one small "anchor" process creates the namespaces, makes the mounts, starts the
 * capture and then waits on its stdin. Every program that should run inside is started with
 * the prefix {@link PrivateNetwork.launcher} (`nsenter --target <anchor> …`), which `exec`s node
 * in place: the program keeps netlab's IPC channel, trace and shared clock, and its pid is the
 * one netlab kills. The anchor ends when the network is closed, when netlab exits, or, if netlab
 * is killed outright, when its stdin pipe reaches end-of-file; the namespace ends with its last
 * process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { makeTempDir, removeTempDir, trackChild } from './cleanup.js';
import { NetlabError } from '../errors.js';
import { t } from '../i18n/messages.js';

/** The files the programs inside the private network see. */
export interface PrivateNetworkFiles {
  /** Contents of `/etc/hosts` inside (e.g. `198.51.100.10 shop.netlab.test`). */
  hosts: string;
  /**
   * Contents of `/etc/resolv.conf` inside. glibc has no port option: a lab DNS server meant
   * for getaddrinfo listens on `127.0.0.1:53` inside (allowed: we are root in the namespace).
   */
  resolvConf: string;
  /**
   * Contents of `/etc/nsswitch.conf` inside. Default: `hosts: files dns`, so that no other
   * module (systemd-resolved, mDNS, a cache) answers in place of the lab's files.
   */
  nsswitch?: string;
}

/** Set to any non-empty value to pretend namespaces are unavailable (tests the fallback). */
export const DISABLE_ENV = 'NETLAB_NO_NAMESPACE';

const DEFAULT_NSSWITCH = ['passwd: files', 'group: files', 'shadow: files', 'hosts: files dns', 'networks: files', 'protocols: files', 'services: files', ''].join('\n');

/**
 * Runs inside the new namespaces, with every capability of the new user namespace. Arguments:
 * the hosts file, the resolv.conf, the nsswitch.conf and an empty directory (hides a host nscd
 * socket, whose cache would answer with the machine's hosts file), each `-` for none; the
 * mode: `probe` exits at once, `anchor` stays until its stdin ends; the capture program, or
 * `-`; where the capture writes (`-`: its pcap stream to file descriptor 3, else a file) and how
 * many bytes of each packet it keeps; and the uid_map and gid_map lines of a
 * {@link OpenOptions.nestable} network, or `-`. A capture says it listens on stderr.
 */
const SETUP_SCRIPT = `set -e
PATH="$PATH:/usr/sbin:/sbin:/usr/bin:/bin"
if [ "$9" != - ]; then
  echo deny > /proc/self/setgroups
  echo "$9" > /proc/self/uid_map
  echo "\${10}" > /proc/self/gid_map
fi
if command -v ip >/dev/null 2>&1; then ip link set lo up
elif command -v ifconfig >/dev/null 2>&1; then ifconfig lo up
else echo "neither ip nor ifconfig is installed: cannot bring loopback up (install iproute2)" >&2; exit 97
fi
echo 0 > /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || true
if [ "$1" != - ]; then mount --bind "$1" /etc/hosts; fi
if [ "$2" != - ]; then mount --bind "$2" /etc/resolv.conf; fi
if [ "$3" != - ] && [ -e /etc/nsswitch.conf ]; then mount --bind "$3" /etc/nsswitch.conf; fi
if [ "$4" != - ]; then for d in /run/nscd /var/run/nscd; do if [ -d "$d" ]; then mount --bind "$4" "$d"; break; fi; done; fi
CAP=
if [ "$6" != - ] && [ "$7" != - ]; then mount -t tmpfs -o mode=0700,size=512m netlab-wire "\${7%/*}"; fi
if [ "$6" != - ]; then "$6" -i lo --immediate-mode -U -n -s "$8" -w "$7" >&3 3>&- </dev/null & CAP=$!; echo "capture $CAP"; fi
exec 3>&-
echo ready
if [ "$5" = anchor ]; then
  cat >/dev/null || true
  if [ -n "$CAP" ]; then kill "$CAP" 2>/dev/null || true; wait "$CAP" 2>/dev/null || true; fi
fi
`;

const UNSHARE_FLAGS = ['--user', '--keep-caps', '--mount', '--net'];

/** An executable on PATH or in the usual system directories, as an absolute path. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

interface Tools {
  unshare: string;
  nsenter: string;
  sh: string;
}

function tools(): Tools | string {
  const unshare = findExecutable('unshare');
  const nsenter = findExecutable('nsenter');
  const sh = findExecutable('sh');
  if (!unshare || !nsenter) return t('ns.noUtilLinux');
  if (!sh) return t('ns.noSh');
  return { unshare, nsenter, sh };
}

/** Write the files the setup script mounts into a fresh private directory (`-` for none). */
function writeFiles(dir: string, files: PrivateNetworkFiles | undefined): string[] {
  if (!files) return ['-', '-', '-', '-'];
  const hosts = join(dir, 'hosts');
  const resolv = join(dir, 'resolv.conf');
  const nsswitch = join(dir, 'nsswitch.conf');
  const empty = join(dir, 'empty');
  writeFileSync(hosts, files.hosts.endsWith('\n') ? files.hosts : files.hosts + '\n', { mode: 0o644 });
  writeFileSync(resolv, files.resolvConf.endsWith('\n') ? files.resolvConf : files.resolvConf + '\n', { mode: 0o644 });
  writeFileSync(nsswitch, files.nsswitch ?? DEFAULT_NSSWITCH, { mode: 0o644 });
  mkdirSync(empty, { mode: 0o755 });
  return [hosts, resolv, nsswitch, empty];
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

let cachedReason: string | null | undefined;

/**
 * Why a private network cannot be made on this machine, or null when it can. The first call
 * really tries it (creates the namespaces, brings loopback up, mounts test files, ~10 ms) and
 * the answer is cached for the process.
 */
export function privateNetworkUnavailable(): string | null {
  if (process.env[DISABLE_ENV]) return t('ns.disabled', { env: DISABLE_ENV });
  if (cachedReason !== undefined) return cachedReason;
  cachedReason = probe();
  return cachedReason;
}

/**
 * Why packets cannot be captured here, or null when they can: a capture runs tcpdump inside a
 * private network, so it needs both.
 */
export function captureUnavailable(): string | null {
  if (process.platform !== 'linux') return t('ns.captureNeedsLinux', { platform: process.platform });
  if (!findExecutable('tcpdump')) return t('ns.noTcpdump');
  const reason = privateNetworkUnavailable();
  return reason ? t('ns.noNetworkToCapture', { reason }) : null;
}

function probe(): string | null {
  if (process.platform !== 'linux') return t('ns.needsLinux', { platform: process.platform });
  const found = tools();
  if (typeof found === 'string') return found;
  const dir = makeTempDir('netlab-ns-');
  try {
    const paths = writeFiles(dir, { hosts: '127.0.0.1 localhost\n', resolvConf: 'nameserver 127.0.0.1\n' });
    const r = spawnSync(found.unshare, [...UNSHARE_FLAGS, '--', found.sh, '-c', SETUP_SCRIPT, 'netlab-ns', ...paths, 'probe', '-', '-', '-', '-', '-'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.error) return t('ns.cannotRunUnshare', { error: r.error.message });
    if (r.status === 0 && r.stdout.includes('ready')) return null;
    const why = lastLine(r.stderr) || (r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`);
    return t('ns.unshareFailed', { command: `unshare ${UNSHARE_FLAGS.join(' ')}`, why });
  } finally {
    removeTempDir(dir);
  }
}

/**
 * Bytes a capture keeps of each packet: link, IP and TCP headers with options, and the trace's
 * 24-byte preview (lengths come from the headers, never from what was kept). Kept small on
 * purpose: the kernel hands tcpdump packets through a ring of about 2 MiB whose slots are sized
 * for this many bytes. With whole packets (262144, as before) the ring held a handful of
 * loopback's 64 KiB segments, and a burst lost packets before tcpdump read them — tcpdump counts
 * those as "dropped by kernel", not captured: `netlab run tcp-echo --packets` missed the
 * server's last FIN in 4 runs of 20, 0 of 24 with this.
 */
const SNAPLEN = 256;

/**
 * The packet capture of a private network's loopback: tcpdump's pcap stream, as it is written.
 * `stop()` ends tcpdump (it flushes, then reports how many packets it captured).
 */
export class NetworkCapture {
  private stderr = '';
  private readonly ended: Promise<void>;
  private lastData = 0;
  private reader: ((chunk: Buffer) => void) | undefined;
  private pending: Buffer[] = [];

  /** Receive the pcap stream from its first byte (what arrived before is handed over first). */
  read(reader: (chunk: Buffer) => void): void {
    this.reader = reader;
    for (const chunk of this.pending.splice(0)) reader(chunk);
  }

  constructor(
    /** tcpdump's pid (a process of the same user as netlab). */
    readonly pid: number,
    /** The pcap stream (tcpdump `-w -`). */
    readonly stream: Readable,
    anchorStderr: Readable,
  ) {
    anchorStderr.on('data', (c: string) => (this.stderr = (this.stderr + c).slice(-4000)));
    // Kept until a reader comes: the pcap stream starts with its file header, which must not be lost.
    stream.on('data', (chunk: Buffer) => {
      this.lastData = performance.now();
      if (this.reader) this.reader(chunk);
      else this.pending.push(chunk);
    });
    this.ended = new Promise((resolve) => {
      if (stream.readableEnded) resolve();
      stream.once('end', resolve);
      stream.once('close', resolve);
    });
  }

  /**
   * Stop capturing; resolves when the stream has ended, with tcpdump's own counts if it gave
   * them. tcpdump stops at once on SIGTERM, leaving behind what the kernel had not handed it
   * yet, so it is first given a moment of quiet (no new bytes) to catch up.
   */
  async stop(timeoutMs = 2000): Promise<{ captured: number | null; received: number | null }> {
    let last = this.lastData;
    for (let waited = 0; waited < 1000; waited += 30) {
      await new Promise((r) => setTimeout(r, 30));
      if (this.lastData === last && waited >= 60) break;
      last = this.lastData;
    }
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    // tcpdump prints its counts on exit; the anchor's stderr carries them a moment after the stream ends.
    for (let i = 0; i < 20 && !/received by filter/.test(this.stderr); i++) await new Promise((r) => setTimeout(r, 10));
    const count = (what: string) => {
      const m = new RegExp(`(\\d+) packets? ${what}`).exec(this.stderr);
      return m ? Number(m[1]) : null;
    };
    return { captured: count('captured'), received: count('received by filter') };
  }

  /** Kill tcpdump outright (netlab is going away). */
  kill(): void {
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** A running private network. Start programs in it with {@link launcher}; {@link close} ends it. */
export class PrivateNetwork {
  private closed = false;

  constructor(
    private readonly anchor: ChildProcess,
    private readonly nsenter: string,
    private readonly exited: Promise<void>,
    /** The capture of its loopback, when one was asked for. */
    readonly capture?: NetworkCapture,
  ) {}

  /** Pid of the anchor process that holds the namespaces. */
  get pid(): number {
    return this.anchor.pid!;
  }

  /**
   * The command prefix that runs a program inside: `nsenter --target <anchor> --user --mount
   * --net --preserve-credentials --wd=<cwd> --`, to be followed by node and its arguments.
   * nsenter `exec`s, so the program inherits the caller's IPC channel and environment.
   */
  launcher(cwd: string = process.cwd()): string[] {
    if (this.closed) throw new NetlabError('NETLAB_ERR_CHILD_EXITED', 'the private network is closed');
    return [this.nsenter, `--target=${this.pid}`, '--user', '--mount', '--net', '--preserve-credentials', `--wd=${cwd}`, '--'];
  }

  get running(): boolean {
    return !this.closed && this.anchor.exitCode === null && this.anchor.signalCode === null;
  }

  /**
   * End the anchor (it stops the capture first). Programs still inside keep the namespace until
   * they end (netlab kills them).
   */
  async close(): Promise<void> {
    if (this.closed) return this.exited;
    this.closed = true;
    if (this.anchor.exitCode === null && this.anchor.signalCode === null) {
      // End of stdin: the anchor stops tcpdump (which flushes) and exits.
      this.anchor.stdin?.end();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
      try {
        this.anchor.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    this.capture?.kill();
    await this.exited;
  }
}

export interface OpenOptions {
  /** Closes the network when aborted (a demo run's `ctx.signal`). */
  signal?: AbortSignal;
  /** Capture every packet on the network's loopback with tcpdump (see {@link captureUnavailable}). */
  capture?: boolean;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /**
   * Write the capture to this file (pcap, flushed packet by packet) instead of handing its
   * stream to {@link NetworkCapture.read}: for readers in other processes of the network. Its
   * folder is a memory file system inside the network (the machine's folder of that name stays
   * empty), so the capture disappears with the network, even if netlab is killed.
   */
  captureFile?: string;
  /**
   * Map the caller's user to a user other than root inside, so that programs in this network
   * can make private networks of their own (the kernel lets only a user mapped in a namespace
   * create one inside it), while tcpdump, not root there, keeps its capabilities instead of
   * trying to drop root's.
   */
  nestable?: boolean;
}

/** The uid_map and gid_map lines of a nestable network (the caller's ids, root's as nobody's), or `-`. */
function idMaps(nestable: boolean | undefined): [string, string] {
  if (!nestable || typeof process.getuid !== 'function') return ['-', '-'];
  const uid = process.geteuid?.() ?? process.getuid();
  const gid = process.getegid?.() ?? process.getgid!();
  const inside = (id: number) => (id === 0 ? 65534 : id);
  return [`${inside(uid)} ${uid} 1`, `${inside(gid)} ${gid} 1`];
}

/**
 * Create a private network with `files` over the machine's. Rejects with
 * `NETLAB_ERR_UNSUPPORTED` and the reason when this machine cannot (see
 * {@link privateNetworkUnavailable}): callers announce a fallback instead.
 */
export async function openPrivateNetwork(files: PrivateNetworkFiles | undefined, options: OpenOptions = {}): Promise<PrivateNetwork> {
  const reason = options.capture ? captureUnavailable() : privateNetworkUnavailable();
  if (reason) throw new NetlabError('NETLAB_ERR_UNSUPPORTED', reason);
  const found = tools() as Tools;
  const tcpdump = options.capture ? findExecutable('tcpdump')! : '-';
  const dir = makeTempDir('netlab-ns-');
  let anchor: ChildProcess;
  try {
    const paths = writeFiles(dir, files);
    const capture = [tcpdump, options.captureFile ?? '-', String(SNAPLEN)];
    anchor = spawn(found.unshare, [...UNSHARE_FLAGS, '--', found.sh, '-c', SETUP_SCRIPT, 'netlab-ns', ...paths, 'anchor', ...capture, ...idMaps(options.nestable)], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    removeTempDir(dir);
    throw err;
  }
  trackChild(anchor);
  anchor.on('error', () => {});
  anchor.stdin!.on('error', () => {});
  const exited = new Promise<void>((resolve) => anchor.once('exit', () => resolve()));
  let stderr = '';
  let out = '';
  anchor.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-2000)));
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new NetlabError('NETLAB_ERR_TIMEOUT', `the private network was not ready within ${timeoutMs} ms`)), timeoutMs);
      // Ready when the anchor says so and, with a capture, once tcpdump listens on loopback.
      const check = () => {
        if (!out.includes('ready\n')) return;
        if (options.capture && !/listening on/.test(stderr)) return;
        clearTimeout(timer);
        resolve();
      };
      anchor.stdout!.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        check();
      });
      anchor.stderr!.on('data', check);
      anchor.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new NetlabError('NETLAB_ERR_UNSUPPORTED', `the private network could not be set up (${lastLine(stderr) || `exit ${code ?? signal}`})`));
      });
      anchor.once('error', (err) => {
        clearTimeout(timer);
        reject(new NetlabError('NETLAB_ERR_UNSUPPORTED', `cannot run unshare: ${err.message}`));
      });
    });
  } catch (err) {
    anchor.kill('SIGKILL');
    await exited;
    throw err;
  } finally {
    // The mounts hold the files now; nothing needs to stay on disk, even if netlab is killed.
    removeTempDir(dir);
  }
  anchor.stdout!.resume();
  const capturePid = Number(/capture (\d+)/.exec(out)?.[1]);
  const capture = options.capture && capturePid ? new NetworkCapture(capturePid, anchor.stdio[3] as Readable, anchor.stderr!) : undefined;
  if (!options.capture) (anchor.stdio[3] as Readable | null)?.resume();
  const network = new PrivateNetwork(anchor, found.nsenter, exited, capture);
  if (options.signal) {
    if (options.signal.aborted) await network.close();
    else options.signal.addEventListener('abort', () => void network.close(), { once: true });
  }
  return network;
}
