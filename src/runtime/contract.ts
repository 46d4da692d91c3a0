/**
 * Typed contracts between a lab's processes. Params, `ready()` payloads, commands and grading
 * operations cross process boundaries as JSON, so nothing checks them at run time; a contract
 * declared once (in a module of the lab that every side imports) lets the type checker hold the
 * orchestrator (`lab.ts`), the demo programs, the grade host and the grader to the same shapes.
 *
 * A contract is only a type: the values here carry a program's path, and a phantom field for
 * the compiler. The untyped shapes (`ctx.spawn(actor, 'demo/server')`, `sub.call<T>(op)`) keep
 * working.
 */

/** What one command (or grading operation) takes and answers. */
export interface CommandSpec {
  arg?: unknown;
  result?: unknown;
}

export type CommandSpecs = Record<string, CommandSpec>;

/** The contract of a program: the params it reads, what it passes to `ready()`, its commands. */
export interface ProgramSpec {
  params?: object;
  ready?: unknown;
  commands?: CommandSpecs;
}

/** A lab program (a path in the lab's folder, without extension) and its contract. */
export interface Program<S extends ProgramSpec = ProgramSpec> {
  readonly path: string;
  /** Never set: carries the contract for the type checker. */
  readonly spec?: S;
}

/** Declare a program's contract: `defineProgram<{ params: {port: number}; ready: {port: number} }>('demo/server')`. */
export function defineProgram<S extends ProgramSpec>(path: string): Program<S> {
  return { path };
}

/** The operations a lab's grade host serves, for its grader. */
export interface HostContract<Ops extends CommandSpecs = CommandSpecs> {
  /** Never set: carries the operations for the type checker. */
  readonly ops?: Ops;
}

/** Declare a grade host's operations: `defineHost<{ listen: { result: { port: number } } }>()`. */
export function defineHost<Ops extends CommandSpecs>(): HostContract<Ops> {
  return {};
}

export type ParamsOf<S extends ProgramSpec> = S extends { params: infer P } ? P : Record<string, never>;
export type ReadyOf<S extends ProgramSpec> = S extends { ready: infer R } ? R : null;
export type CommandsOf<S extends ProgramSpec> = S extends { commands: infer C extends CommandSpecs } ? C : Record<never, CommandSpec>;
/** What command `K` takes (`null` when it takes nothing). */
export type ArgOf<C extends CommandSpecs, K extends keyof C> = C[K] extends { arg: infer A } ? A : null;
/** What command `K` answers (`null` when it answers nothing). */
export type ResultOf<C extends CommandSpecs, K extends keyof C> = C[K] extends { result: infer R } ? R : null;
/** The argument list of command `K`: optional when it takes nothing. */
export type ArgsOf<C extends CommandSpecs, K extends keyof C> = C[K] extends { arg: infer A } ? [arg: A, timeoutMs?: number] : [arg?: null, timeoutMs?: number];
