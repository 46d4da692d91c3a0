/** An error as the unix-socket demo programs report it to lab.ts. */
import { errorDetail } from '../../src/trace/detail.js';
import type { DemoError } from './contract.js';

/** The error's message, and its code when it has one (errorDetail's shape, typed). */
export function demoError(err: unknown): DemoError {
  const { code, message } = errorDetail(err);
  return code === undefined ? { message: String(message) } : { code: String(code), message: String(message) };
}
