/**
 * Module hooks (node:module `register`) for the processes netlab spawns:
 * - `.ts`/`.mts`/`.cts` files are transpiled by esbuild (types stripped, inline source map so
 *   stacks point at the learner's lines) and loaded as ES modules, even in a folder with no
 *   package.json;
 * - a relative `./x.js` that does not exist resolves to `./x.ts` (the NodeNext convention);
 * - `undici` resolves to netlab's own copy when the learner's folder has none, so an exercise
 *   can import it without installing anything.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { typescriptTransform } from './plain-module.js';

type Resolve = (specifier: string, context: ResolveContext) => Promise<ResolveResult>;
interface ResolveContext { parentURL?: string; conditions: string[]; importAttributes?: Record<string, string> }
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }
type Load = (url: string, context: { format?: string | null }) => Promise<{ format: string; source?: string | Buffer | null; shortCircuit?: boolean }>;

const TS = /\.(?:ts|mts|cts)$/;
/** netlab's own package (its exercise sources are TypeScript even when installed in node_modules). */
const OWN_PACKAGE = new URL('../../../', import.meta.url).href;
const BUNDLED = new Set(['undici']);

export async function resolve(specifier: string, context: ResolveContext, next: Resolve): Promise<ResolveResult> {
  try {
    return await next(specifier, context);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    if (/^\.{1,2}\//.test(specifier) && /\.(?:m|c)?js$/.test(specifier)) {
      const tsSpecifier = specifier.replace(/\.(m|c)?js$/, (_m, p: string | undefined) => `.${p ?? ''}ts`);
      try {
        return await next(tsSpecifier, context);
      } catch {
        /* fall through to the original error */
      }
    }
    const bare = specifier.split('/')[0]!;
    if (BUNDLED.has(bare)) {
      return next(specifier, { ...context, parentURL: import.meta.url });
    }
    throw err;
  }
}

export async function load(url: string, context: { format?: string | null }, next: Load) {
  if (url.startsWith('file:') && TS.test(url) && (url.startsWith(OWN_PACKAGE) || !url.includes('/node_modules/'))) {
    const path = fileURLToPath(url);
    const source = await readFile(path, 'utf8');
    // esbuild is loaded on the first TypeScript file only: plain JS programs start faster.
    const { transform } = await import('esbuild');
    const result = await transform(source, { ...typescriptTransform(path), ...(url.endsWith('.cts') ? { format: 'cjs' as const } : {}) });
    return { format: url.endsWith('.cts') ? 'commonjs' : 'module', source: result.code, shortCircuit: true };
  }
  return next(url, context);
}
