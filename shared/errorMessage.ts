// The readable text of anything thrown or rejected. A catch clause receives `unknown` (a library
// may throw a string, a DOM exception or a plain object), so every message shown or logged goes
// through here instead of asserting that the value is an Error.
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message;
  return String(err);
}
