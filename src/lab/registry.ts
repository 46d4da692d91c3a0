/**
 * Finds the labs: every folder under `labs/` with a `lab.js` (or `lab.ts`) is one lab. There
 * is no central manifest; adding a lab is adding a folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Lab, LabDefinition } from './types.js';
import { NetlabError, closest } from '../errors.js';
import type { Language } from '../i18n/language.js';
import { currentLanguage, t } from '../i18n/messages.js';
import { localizeLab, readLabTexts } from './texts.js';

export const LABS_DIR = fileURLToPath(new URL('../../labs/', import.meta.url));

const cache = new Map<Language, Promise<Lab[]>>();

/** The labs, with their titles and scenario titles in `language` where translated. */
export function loadLabs(labsDir: string = LABS_DIR, language: Language = currentLanguage()): Promise<Lab[]> {
  if (labsDir !== LABS_DIR) return discover(labsDir, language);
  let labs = cache.get(language);
  if (!labs) cache.set(language, (labs = discover(labsDir, language)));
  return labs;
}

async function discover(labsDir: string, language: Language): Promise<Lab[]> {
  const folders = readdirSync(labsDir, { withFileTypes: true }).filter((d) => d.isDirectory());
  const labs = await Promise.all(
    folders.map(async (folder) => {
      const dir = join(labsDir, folder.name);
      const entry = ['lab.js', 'lab.ts'].map((f) => join(dir, f)).find(existsSync);
      if (!entry) return undefined;
      const mod = (await import(pathToFileURL(entry).href)) as { default?: LabDefinition };
      const lab = validate(mod.default, dir, folder.name);
      return localizeLab(lab, readLabTexts(dir, language));
    }),
  );
  return labs.filter((lab): lab is Lab => lab !== undefined).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

function validate(definition: LabDefinition | undefined, dir: string, folder: string): Lab {
  const problem = (what: string) => new NetlabError('NETLAB_ERR_BAD_LAB', `lab folder labs/${folder}: ${what}`);
  if (!definition || typeof definition !== 'object') throw problem('lab file has no default export (use `export default defineLab({...})`)');
  if (definition.id !== folder) throw problem(`id "${definition.id}" does not match its folder name`);
  if (!/^[a-z][a-z0-9-]*$/.test(definition.id)) throw problem(`id "${definition.id}" must be kebab-case`);
  if (Object.keys(definition.scenarios ?? {}).length === 0) throw problem('has no scenarios');
  const graderJs = join(dir, 'grader.test.js');
  return {
    ...definition,
    dir,
    lessonPath: join(dir, 'lesson.md'),
    hintsPath: join(dir, 'hints.md'),
    starterPath: join(dir, 'exercise', 'starter.ts'),
    solutionPath: join(dir, 'exercise', 'solution.ts'),
    graderPath: existsSync(graderJs) ? graderJs : join(dir, 'grader.test.ts'),
  };
}

/** The lab called `id`, or a usage error (exit 2) with a "did you mean …?". */
export async function findLab(id: string): Promise<Lab> {
  const labs = await loadLabs();
  const lab = labs.find((l) => l.id === id);
  if (lab) return lab;
  const guess = closest(id, labs.map((l) => l.id));
  throw new NetlabError('NETLAB_ERR_UNKNOWN_LAB', t(guess ? 'lab.unknownDidYouMean' : 'lab.unknown', { lab: id, guess: guess ?? '' }));
}

/** What `netlab list` shows of a lab, without loading its code. */
export interface LabCard {
  id: string;
  title: string;
  summary: string;
  order: number;
  /** The lab's folder. */
  dir: string;
  /** Why this machine cannot run the lab, or null. */
  unsupported: string | null;
}

/**
 * The labs' one-line facts, fast: from `catalog.json`, which the build derives from the labs
 * themselves (scripts/copy-assets.mjs); only a lab that checks its platform is imported, to ask.
 * Without a catalog (a checkout running from source) it loads the labs.
 */
export async function labCatalog(labsDir: string = LABS_DIR, language: Language = currentLanguage()): Promise<LabCard[]> {
  const path = join(labsDir, 'catalog.json');
  if (!existsSync(path)) {
    return (await loadLabs(labsDir, language)).map((lab) => ({ id: lab.id, title: lab.title, summary: lab.summary, order: lab.order, dir: lab.dir, unsupported: lab.unsupported?.() ?? null }));
  }
  const entries = JSON.parse(readFileSync(path, 'utf8')) as Array<Omit<LabCard, 'dir' | 'unsupported'> & { checksPlatform: boolean }>;
  return Promise.all(
    entries.map(async ({ checksPlatform, ...card }) => {
      const dir = join(labsDir, card.id);
      const texts = readLabTexts(dir, language);
      card = { ...card, title: texts.title || card.title, summary: texts.summary || card.summary };
      let unsupported: string | null = null;
      if (checksPlatform) {
        // The build's CommonJS copy of the check first (platform.cjs, else the whole
        // definition's, lab.cjs): requiring it does not start the ESM loader, a large part of
        // `netlab list`'s startup budget. The lab itself when there is no copy, or the copy
        // cannot be required (a package only importable as ESM).
        const check = requireCopy<{ unsupported?: () => string | null }>(join(dir, 'platform.cjs'))?.unsupported;
        if (check) unsupported = check();
        else {
          const entry = ['lab.js', 'lab.ts'].map((f) => join(dir, f)).find(existsSync);
          const mod = requireCopy<{ default?: LabDefinition }>(join(dir, 'lab.cjs')) ?? (entry ? ((await import(pathToFileURL(entry).href)) as { default?: LabDefinition }) : {});
          unsupported = mod.default?.unsupported?.() ?? null;
        }
      }
      return { ...card, dir, unsupported };
    }),
  );
}

function requireCopy<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return createRequire(import.meta.url)(path) as T;
  } catch {
    return undefined;
  }
}
