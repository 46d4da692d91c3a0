/**
 * Learner-style TypeScript that a process can load without netlab's module hooks. A module that
 * imports only Node's own modules, statically, and never asks where it is, runs the same as
 * plain JavaScript from any folder: transpiled once (grading: a learner's file; the build: each
 * lab's reference solution), its processes start without the hooks' thread and esbuild.
 */
import { builtinModules } from 'node:module';
import type { TransformOptions } from 'esbuild';

const BUILTIN = new Set(builtinModules);

/**
 * Whether `code` (esbuild's output: every import is an `import … from "x"` or `import "x"`
 * statement) imports nothing but Node's own modules, statically, and never asks where it is
 * (`import.meta`). Anything the scan cannot vouch for (a string that looks like an import, say)
 * answers no, and the module is loaded through the hooks as before.
 */
export function importsOnlyBuiltins(code: string): boolean {
  if (/\bimport\s*\(|\bimport\.meta\b|\brequire\s*\(/.test(code)) return false;
  for (const [, , specifier] of code.matchAll(/\b(?:from|import)\s*(["'])(.*?)\1/g)) {
    if (!BUILTIN.has(specifier!.replace(/^node:/, ''))) return false;
  }
  return true;
}

/** esbuild's transform options for a TypeScript ES module: the module hooks' (src/runtime/loader-hooks.ts), grading's and the build's. */
export function typescriptTransform(file: string): TransformOptions {
  return { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcefile: file };
}

/**
 * Where the build puts the plain copy of a lab's reference solution (`solution.ts` →
 * `solution.plain.mjs`), written only when it {@link importsOnlyBuiltins}.
 */
export function plainCopyOf(file: string): string {
  return file.replace(/\.ts$/, '.plain.mjs');
}
