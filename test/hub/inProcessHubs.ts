// One backend, a temporary folder and the in-process hubs started on them, for one describe block:
// made before its tests, every hub closed and the backend cleaned up after them.
import { afterAll, beforeAll } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { startInProcessHub, type Backend, type InProcessHub } from './hubFixture.ts';

export interface HubsOn {
  /** The backend (set in beforeAll). */
  readonly backend: Backend;
  /** A temporary folder for stations' files (set in beforeAll). */
  readonly dir: string;
  /** A hub on the backend, closed after the block. */
  hub(): Promise<InProcessHub>;
}

export function hubsOn(makeBackend: () => Promise<Backend>, tmpPrefix: string): HubsOn {
  let b: Backend | undefined;
  let t: ReturnType<typeof tmpDir> | undefined;
  const hubs: InProcessHub[] = [];
  beforeAll(async () => {
    b = await makeBackend();
    t = tmpDir(tmpPrefix);
  });
  afterAll(async () => {
    for (const h of hubs) await h.close().catch(() => {});
    await b?.cleanup();
    t?.cleanup();
  });
  return {
    get backend() {
      return b!;
    },
    get dir() {
      return t!.dir;
    },
    async hub() {
      const h = await startInProcessHub(b!);
      hubs.push(h);
      return h;
    },
  };
}
