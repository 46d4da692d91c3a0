import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fixtureSource, labFixtures } from '../../src/lab/fixtures.js';

/** A lab's source folder (fixtures are not built into dist/). */
export const labSource = (lab: string): string => fileURLToPath(new URL(`../../labs/${lab}/`, import.meta.url));

/** Write fixture `id` of `lab` (e.g. `bad--binary-safe--to-string`) to the file `to`; returns `to`. */
export async function writeFixtureTo(lab: string, id: string, to: string): Promise<string> {
  const fixture = (await labFixtures(labSource(lab))).find((f) => f.id === id);
  if (!fixture) throw new Error(`lab ${lab} has no fixture ${id}`);
  writeFileSync(to, fixtureSource(labSource(lab), fixture));
  return to;
}
