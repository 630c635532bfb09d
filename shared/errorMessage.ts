// What a caught value says, for logs and refusals. A catch clause gives `unknown`: usually an Error,
// but a library or a worker may throw a string or a plain object, and the words must survive either.

/** The message of anything thrown: an Error's message, an object's `message`, or the value as text. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  return String(err);
}

/** Its first line: ffmpeg, openssl and SQLite failures carry their details below it. */
export function errorLine(err: unknown): string {
  return errorMessage(err).split('\n')[0] ?? '';
}
