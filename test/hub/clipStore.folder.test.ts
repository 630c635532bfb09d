import { afterAll, describe, expect, it } from 'vitest';
import { FolderClipStore } from '../../electron/hub/store/folder.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { PART, clipStoreSuite } from './clipStore.suite.ts';

describe('hub clip store on a folder', () => {
  clipStoreSuite(async () => {
    const t = tmpDir('pw-hubfolder-');
    const config = { folder: t.dir, partSize: PART };
    return { config, store: new FolderClipStore({ root: t.dir, partSize: PART }), cleanup: async () => t.cleanup() };
  });
});

describe('hub clip store on a folder: start-up probe', () => {
  const t = tmpDir('pw-hubfolder-');
  afterAll(() => t.cleanup());
  it('says the folder is writable and has no Object Lock; a folder store has no presigned URLs', async () => {
    const store = new FolderClipStore({ root: t.dir });
    const p = await store.probe();
    expect(p.writable).toBe(true);
    expect(p.objectLock).toBe('unsupported');
    expect(p.message).toContain(t.dir);
    expect(await store.presignedUrl()).toBeNull();
  });
});
