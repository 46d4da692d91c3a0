/**
 * `netlab grade --packets`, netlab's side: one private network with its loopback captured, in
 * which the whole grading runs — the vitest workers that run the graders, and the learner's
 * processes they start. A grader talks to the learner's server from its worker over loopback,
 * so both must be in the same network: moving only the learner's processes would cut them off.
 *
 * tcpdump writes the capture to a file, packet by packet, and each worker reads from it the
 * packets of its own failing checks (src/grade/check-packets.ts): no packet crosses back to
 * netlab, and a check's packets are on its trace before its report leaves the worker.
 *
 * The network is "nestable" (see src/runtime/namespace.ts): a lab whose grader makes a private
 * network of its own (dns) still can, inside this one.
 */
import { join } from 'node:path';
import type { PoolRunnerInitializer } from 'vitest/node';
import { captureUnavailable, openPrivateNetwork } from '../runtime/namespace.js';
import { makeTempDir, removeTempDir } from '../runtime/cleanup.js';
import { groupForksPool } from './pool.js';

/** A capture that grading runs inside of. */
export interface GradeCapture {
  /** The pcap file the workers read (tcpdump flushes it packet by packet). */
  readonly file: string;
  /** The vitest pool whose workers start inside the private network. */
  readonly pool: PoolRunnerInitializer;
  /** Stop tcpdump, end the network, remove the file. */
  close(): Promise<void>;
}

/** Open the network and its capture, or say in one line why this machine cannot. */
export async function openGradeCapture(ownGroups = true): Promise<GradeCapture | string> {
  const reason = captureUnavailable();
  if (reason) return reason;
  const dir = makeTempDir('netlab-wire-');
  const file = join(dir, 'grade.pcap');
  try {
    const network = await openPrivateNetwork(undefined, { capture: true, captureFile: file, nestable: true });
    const launcher = network.launcher();
    return {
      file,
      // The workers start inside the network (see src/grade/pool.ts).
      pool: groupForksPool(POOL_NAME, launcher, ownGroups),
      async close() {
        await network.close();
        removeTempDir(dir);
      },
    };
  } catch (err) {
    removeTempDir(dir);
    return (err as Error).message;
  }
}

const POOL_NAME = 'netlab-network-forks';
