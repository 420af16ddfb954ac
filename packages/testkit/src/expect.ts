// The shared assertion of the hardening tests: a call fails with the right typed error, the
// message names the argument, and (except for state errors, which say what happened, e.g.
// "... was disposed") states what was expected and what came.
import { expect } from "vitest";

type ErrorClass = abstract new (...args: never[]) => Error;

/** `fn()` throws an instance of `error` whose message matches `names` (and "expected ..., got "). */
export function expectTypedError(fn: () => unknown, error: ErrorClass, names: RegExp, why = ""): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${names} ${why}: no error`).toBeInstanceOf(error);
  expect((thrown as Error).message, why).toMatch(names);
  if (error.name !== "S4StateError") expect((thrown as Error).message, why).toMatch(/expected .*, got /);
}

/** The same for a promise that must reject. */
export async function expectTypedRejection(p: Promise<unknown>, error: ErrorClass, names: RegExp): Promise<void> {
  let thrown: unknown;
  try {
    await p;
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${names}: no error`).toBeInstanceOf(error);
  expect((thrown as Error).message).toMatch(names);
  expect((thrown as Error).message).toMatch(/expected .*, got /);
}
