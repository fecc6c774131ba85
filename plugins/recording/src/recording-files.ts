/**
 * The recordings folder. A recording is written under a temporary name (`<id>.wav.part`) and renamed to
 * `<id>.wav` only once the recorder closed it, so a complete-looking name is always a complete file; the size and
 * SHA-256 are taken from the renamed file.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, statfs } from "node:fs/promises";
import { basename, join, resolve } from "node:path";

export class RecordingFiles {
  readonly folder: string;

  constructor(folder: string) {
    this.folder = resolve(folder);
  }

  async ensureFolder(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
  }

  /** The final file name of recording `id` (what the index stores). */
  fileName(id: string): string {
    return `${id}.wav`;
  }

  /** Where the recorder writes while recording. */
  partPath(id: string): string {
    return join(this.folder, `${this.fileName(id)}.part`);
  }

  /** Absolute path of a stored file name; names never leave the folder. */
  pathOf(file: string): string {
    return join(this.folder, basename(file));
  }

  /** Gives the written file its final name; its size and SHA-256 (RFC 6234 via node:crypto). */
  async finish(id: string): Promise<{ sizeBytes: number; sha256: string }> {
    const final = this.pathOf(this.fileName(id));
    await rename(this.partPath(id), final);
    const { size } = await stat(final);
    return { sizeBytes: size, sha256: await sha256Of(final) };
  }

  /** Bytes of the temporary file now (0 when there is none). */
  async partSize(id: string): Promise<number> {
    return stat(this.partPath(id)).then(
      (s) => s.size,
      () => 0,
    );
  }

  /** Removes what a failed recording left; returns its size. */
  async discard(id: string): Promise<number> {
    const size = await this.partSize(id);
    await rm(this.partPath(id), { force: true });
    return size;
  }

  async remove(file: string): Promise<void> {
    await rm(this.pathOf(file), { force: true });
    await rm(`${this.pathOf(file)}.part`, { force: true });
  }

  async size(file: string): Promise<number | undefined> {
    return stat(this.pathOf(file)).then(
      (s) => s.size,
      () => undefined,
    );
  }

  /** Free bytes on the folder's file system (for an unprivileged writer). */
  async freeBytes(): Promise<number> {
    const fs = await statfs(this.folder);
    return fs.bavail * fs.bsize;
  }
}

export function sha256Of(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", fail)
      .on("end", () => done(hash.digest("hex")));
  });
}
