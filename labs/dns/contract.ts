/**
 * What dns's processes say to each other, checked at compile time: the orchestrator (lab.ts)
 * and the demo programs share the programs' contracts, the grade host and the grader share the
 * host's. Types and phantom values only: importing this starts nothing.
 */
import type { Msg } from '../../src/i18n/index.js';
import { defineHost, defineProgram } from '../../src/runtime/contract.js';
import type { Listener } from './demo/listener.js';

export type { Listener } from './demo/listener.js';

/** The lab's DNS server: one UDP socket on 127.0.0.1 per listener, each with its own zone. */
export const dnsServer = defineProgram<{
  params: { listeners: Listener[] };
  ready: { listeners: Array<{ label: string; port: number }> };
  commands: {
    /** Queries received so far: how many per listener, and each question. */
    stats: { result: { counts: Record<string, number>; queries: Array<{ label: string; question: string }> } };
    close: object;
  };
}>('demo/dns-server');

export type Rrtype = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'SRV' | 'NS' | 'PTR';

/** One thing the scripted DNS client does. */
export type Step =
  | { say: Msg }
  /** dns.promises.lookup(name, options) */
  | { lookup: string; options?: { all?: boolean; family?: 0 | 4 | 6; order?: 'verbatim' | 'ipv4first' } }
  /**
   * resolve `rrtype` for `name`: with `server`, through a Resolver of its own whose only server
   * is `server` (`127.0.0.1:PORT`); without, through the process-wide servers.
   */
  | { resolve: string; rrtype?: Rrtype; server?: string; timeout?: number; tries?: number }
  /** reverse (PTR) lookup of an address */
  | { reverse: string; server?: string }
  | { getServers: true }
  /** dns.setServers(): process-wide */
  | { setServers: string[] }
  | { defaultResultOrder: true }
  /** connect a TCP client to `host:port` and report where it got */
  | { connect: { host: string; port: number; autoSelectFamily?: boolean } }
  /** the exercise's lookupVsResolve(hostname, dnsServer) from `implementation` */
  | { exercise: string; server: string };

/** What a step produced: addresses (or records as text), or an error code. */
export interface StepResult {
  step: string;
  name?: string;
  answer?: string[];
  lookup?: string[];
  resolve?: string[];
  error?: { code: string; message: string };
  ms: number;
}

/** The scripted client: performs its steps, then hands over their results as its `ready()`. */
export const dnsClient = defineProgram<{
  params: {
    steps: Step[];
    /** The module implementing lookupVsResolve (for `exercise` steps). */
    implementation?: string;
  };
  ready: { results: StepResult[] };
}>('demo/client');

/** A TCP server on `host` for the localhost scenario. */
export const tcpServer = defineProgram<{
  params: { host: string };
  ready: { port: number; address: string; family: string };
}>('demo/tcp-server');

/** One lookupVsResolve() call in the learner's process, and what happened around it. */
export interface Outcome {
  /** What it resolved with, made JSON-safe. */
  returned: unknown;
  error: { code: string | null; message: string } | null;
  serversBefore: { callback: string[]; promises: string[] };
  serversAfter: { callback: string[]; promises: string[] };
  /** The queries the lab's DNS servers received during the call. */
  queries: Array<{ label: string; question: string }>;
}

/** The grade host's operations (`startSubmission('dns', { host: lookupHost })`). */
export const lookupHost = defineHost<{
  /** Start the lab's DNS servers in the learner's process (and network); their ports by label. */
  startDns: { arg: { listeners: Listener[] }; result: { ports: Record<string, number> } };
  lookupVsResolve: { arg: { hostname: string; dnsServer: string }; result: Outcome };
}>();
