/**
 * Module hooks for a learner process under grading: the learner's TypeScript file, already
 * transpiled once by the runner (same esbuild options as src/runtime/loader-hooks.ts, inline
 * source map, so stacks still point at their `.ts` lines), is served from memory. Each check's
 * process then starts without starting esbuild. Only `load` is hooked: the module keeps its URL,
 * so its relative imports and `import.meta.url` are unchanged.
 */
interface Data {
  /** file: URL of the learner's module. */
  url: string;
  /** Its JavaScript. */
  source: string;
}

let preloaded: Data | undefined;

export function initialize(data: Data): void {
  preloaded = data;
}

type Load = (url: string, context: unknown) => Promise<unknown>;

export async function load(url: string, context: unknown, next: Load): Promise<unknown> {
  if (preloaded && url === preloaded.url) return { format: 'module', source: preloaded.source, shortCircuit: true };
  return next(url, context);
}
