// Engines opened on a data folder for a test and closed after it, also when the test fails: one
// engine, or two on one folder as two station processes sharing it. No timestamp worker (the tests
// that use these ask no TSA).
import { Engine, type EngineOptions } from '../../electron/engine/engine.ts';

/** `where` is the data folder, or the engine's options besides it (a fake hub, say). */
export async function withEngine<T>(where: string | EngineOptions, use: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.open({ timestampWorker: false, ...(typeof where === 'string' ? { dataDir: where } : where) });
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}

/** Two engines on one data folder, the second opened after the first and closed before it. */
export async function withTwoEngines<T>(dataDir: string, use: (a: Engine, b: Engine) => Promise<T>): Promise<T> {
  return withEngine(dataDir, (a) => withEngine(dataDir, (b) => use(a, b)));
}
