/**
 * Writing a recording as it happens: a 16-bit PCM WAV file at 8000 Hz, one or two channels. The file is streamed
 * (a second of audio per write) so a long recording costs no memory; the RIFF and data sizes are written into the
 * header when it stops. The header is written here rather than by `wavefile`, which builds whole files in memory.
 */
import { open, type FileHandle } from "node:fs/promises";
import { MIX_RATE } from "./wav-source.js";

const HEADER_BYTES = 44;
const FLUSH_FRAMES = 50;

function header(channels: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write("WAVE", 8, "ascii");
  h.write("fmt ", 12, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(MIX_RATE, 24);
  h.writeUInt32LE(MIX_RATE * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export class WavRecorder {
  private pending: Buffer[] = [];
  private writes: Promise<void> = Promise.resolve();
  private dataBytes = 0;
  private failure: Error | undefined;
  frames = 0;
  pausedFrames = 0;
  paused = false;

  private constructor(
    readonly id: string,
    readonly target: string,
    readonly channels: 1 | 2,
    private readonly file: FileHandle,
  ) {}

  static async create(id: string, target: string, channels: 1 | 2): Promise<WavRecorder> {
    const file = await open(target, "w");
    try {
      await file.write(header(channels, 0), 0, HEADER_BYTES, 0);
    } catch (err) {
      await file.close();
      throw err;
    }
    return new WavRecorder(id, target, channels, file);
  }

  /** Appends one frame: `left` alone for mono; silence while paused (the mixes are then ignored). */
  push(left: Int32Array, right: Int32Array | null): void {
    const n = left.length;
    const frame = Buffer.allocUnsafe(n * 2 * this.channels);
    for (let i = 0; i < n; i++) {
      const l = this.paused ? 0 : clamp(left[i] as number);
      if (this.channels === 1) frame.writeInt16LE(l, i * 2);
      else {
        frame.writeInt16LE(l, i * 4);
        frame.writeInt16LE(this.paused || !right ? 0 : clamp(right[i] as number), i * 4 + 2);
      }
    }
    this.pending.push(frame);
    this.frames++;
    if (this.paused) this.pausedFrames++;
    if (this.pending.length >= FLUSH_FRAMES) this.flush();
  }

  /** Writes what is left, fixes the header's sizes and closes the file. */
  async finish(): Promise<void> {
    this.flush();
    await this.writes;
    try {
      if (!this.failure) await this.file.write(header(this.channels, this.dataBytes), 0, HEADER_BYTES, 0);
    } finally {
      await this.file.close();
    }
    if (this.failure) throw this.failure;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    const position = HEADER_BYTES + this.dataBytes;
    this.dataBytes += chunk.length;
    this.writes = this.writes.then(async () => {
      if (this.failure) return;
      try {
        await this.file.write(chunk, 0, chunk.length, position);
      } catch (err) {
        this.failure = err as Error;
      }
    });
  }
}

function clamp(s: number): number {
  return s > 32767 ? 32767 : s < -32768 ? -32768 : s;
}
