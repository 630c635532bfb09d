// The clip-store seam: where a clip's bytes and its sidecars live. A clip is stored under its key,
// the path relative to the clips folder that the index keeps (`YYYY-MM-DD/<order>_<time>_<id>.mp4`);
// its sidecars (signed manifest, signature, timestamp token, continuity record) travel with it:
// deleting a clip deletes them together. The local-folder store (local.ts) is the station's own
// clips folder; an S3-compatible store can follow behind the same interface.
import type { Readable } from 'node:stream';

/** The files that travel with a clip (evidence/manifest.ts names them on disk). */
export type SidecarKind = 'manifest' | 'signature' | 'timestamp' | 'continuity' | 'continuitySignature';

export const SIDECAR_KINDS: readonly SidecarKind[] = ['manifest', 'signature', 'timestamp', 'continuity', 'continuitySignature'];

export interface StoredStat {
  size: number;
  mtimeMs: number;
}

/** A file under the store, as list() names it. */
export interface StoredEntry extends StoredStat {
  /** Its path relative to the store, '/'-separated (a clip's key, or a sidecar's or leftover's name beside one). */
  key: string;
}

/** A recording in progress: chunks are appended and flushed one by one, then the writer closes. */
export interface ClipWriter {
  readonly key: string;
  /** Appends and flushes: once this settles, a power cut cannot take the chunk. */
  append(chunk: Uint8Array): Promise<void>;
  /** Bytes appended through this writer. */
  readonly bytes: number;
}

export interface ClipStore {
  /** Stores a clip under `key` from a finished local file (moved in when the store is local) or bytes. */
  put(key: string, source: { file: string } | { bytes: Uint8Array }): Promise<void>;
  /** The whole clip, or null when it is not stored. */
  get(key: string): Promise<Buffer | null>;
  stat(key: string): Promise<StoredStat | null>;
  /** Bytes start..end (inclusive, as an HTTP Range says them). */
  readRange(key: string, start: number, end: number): Promise<Buffer>;
  /** The clip's bytes as a stream, whole or start..end inclusive. */
  stream(key: string, range?: { start: number; end: number }): Readable;
  /** Removes a clip and its sidecars together; `existed` is false when the clip was already gone. */
  delete(key: string): Promise<{ existed: boolean }>;

  putSidecar(key: string, kind: SidecarKind, bytes: Uint8Array): Promise<void>;
  getSidecar(key: string, kind: SidecarKind): Promise<Buffer | null>;

  /**
   * The files under the store that `match` accepts (by key; all when omitted), with size and mtime,
   * outside hidden working folders and names (.recording, .thumbs, the marker), at most five folders
   * deep. The doctor and `verify --all` walk the store with it for clips the index does not know.
   */
  list(match?: (key: string) => boolean): Promise<StoredEntry[]>;
  /**
   * Moves the sidecars present beside `key` aside, each renamed with `suffix` appended (an adopted
   * clip keeps an earlier seal's files without them passing for its own); returns their new names.
   */
  setSidecarsAside(key: string, suffix: string): Promise<string[]>;

  /** A writer for a recording in progress under `key`; refuses a key already stored. */
  writer(key: string): Promise<ClipWriter>;
}

/** A local file a tool (ffmpeg) writes a clip into before the store takes it in with put(). */
export interface Scratch {
  readonly file: string;
  /** Removes the scratch file (the tool failed); harmless when it is already gone. */
  discard(): Promise<void>;
}

/**
 * What a store on this machine's disk offers besides the seam: the tools that read and write
 * files by path (ffmpeg, the frame read-back) get one. An S3-compatible store would download a
 * clip to a temporary file for localPath (and upload a scratch file in put), so these stay an
 * explicit capability of the local store, not part of ClipStore.
 */
export interface LocalFiles {
  /** The file of a key, checked to stay inside the store's folder. */
  localPath(key: string): string;
  /** A scratch file beside where `key` will live (same disk: put() is then a rename); its day folder is made. */
  scratch(key: string): Promise<Scratch>;
}

/** The station's clip store: the seam plus local files for ffmpeg. */
export type StationClipStore = ClipStore & LocalFiles;
