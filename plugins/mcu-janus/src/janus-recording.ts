/**
 * A room recording of the Janus adapter: AudioBridge's own mix recording (`enable_recording`), one mono 16-bit
 * WAV at the room's rate of everything unmuted. Janus writes it as `<target>.part` (the plugin's `record_tmp_ext`)
 * or straight to the target, and fixes the header when recording stops; the result is read from that header.
 * AudioBridge cannot pause it, and it writes only while someone is in the room. The target is a path on
 * Janus's machine.
 */
import { closeSync, existsSync, openSync, readSync, statSync, writeSync } from "node:fs";
import { basename, dirname, isAbsolute } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { McuErrors, type McuRecording, type McuRecordingResult } from "@tandem/sdk";
import { janusFailure } from "./errors.js";
import type { RoomContext } from "./janus-room.js";

/** How long to wait for Janus's mixer thread to open the file after recording started. */
const OPEN_TIMEOUT_MS = 2000;
/** How long to wait for Janus's mixer thread to close the file after recording stopped. */
const FINISH_TIMEOUT_MS = 3000;

/**
 * The byte rate and the file's size once Janus closed it, with the header's sizes made right: AudioBridge
 * (1.1) writes the whole file's size as the data chunk's size, 44 bytes too many for its canonical header.
 */
function settleWav(path: string, size: number): { dataBytes: number; byteRate: number } | undefined {
  const fd = openSync(path, "r+");
  try {
    const header = Buffer.alloc(44);
    if (readSync(fd, header, 0, 44, 0) < 44 || header.toString("ascii", 0, 4) !== "RIFF" || header.toString("ascii", 36, 40) !== "data") return undefined;
    const byteRate = header.readUInt32LE(28);
    header.writeUInt32LE(size - 8, 4);
    header.writeUInt32LE(size - 44, 40);
    writeSync(fd, header, 0, 44, 0);
    return { dataBytes: size - 44, byteRate };
  } finally {
    closeSync(fd);
  }
}

export class JanusRecording implements McuRecording {
  readonly id: string;
  running = true;

  private constructor(
    private readonly context: RoomContext,
    private readonly roomId: string,
    private readonly target: string,
  ) {
    this.id = `${roomId}:${basename(target)}`;
  }

  static async start(context: RoomContext, roomId: string, target: string): Promise<JanusRecording> {
    const { adapter, client, controlHandle } = context;
    if (!isAbsolute(target)) throw McuErrors.recordFailed(adapter, target, "the target must be an absolute path on Janus's machine");
    try {
      await client.message(controlHandle, { request: "enable_recording", room: roomId, record: true, record_file: basename(target), record_dir: dirname(target) });
    } catch (error) {
      const failure = janusFailure(adapter, `recording to ${target}`, error);
      throw failure.code === McuErrors.down.code ? failure : McuErrors.recordFailed(adapter, target, (error as Error).message);
    }
    // AudioBridge opens the file at its next 20 ms mix; a recording stopped before then would leave none, and a
    // file it cannot open only shows as a file that never comes.
    const deadline = Date.now() + OPEN_TIMEOUT_MS;
    while (!existsSync(target) && !existsSync(`${target}.part`)) {
      if (Date.now() > deadline) {
        await client.message(controlHandle, { request: "enable_recording", room: roomId, record: false }).catch(() => undefined);
        throw McuErrors.recordFailed(adapter, target, `Janus did not open the file within ${OPEN_TIMEOUT_MS} ms (can it write that folder?)`);
      }
      await delay(10);
    }
    return new JanusRecording(context, roomId, target);
  }

  pause(): Promise<void> {
    return Promise.reject(McuErrors.unsupported(this.context.adapter, "recording pause"));
  }

  resume(): Promise<void> {
    return Promise.reject(McuErrors.unsupported(this.context.adapter, "recording pause"));
  }

  async stop(): Promise<McuRecordingResult> {
    const { adapter, client, controlHandle } = this.context;
    if (!this.running) throw McuErrors.wrongState(adapter, "stop a recording", `recording ${this.id} already stopped`);
    this.running = false;
    try {
      await client.message(controlHandle, { request: "enable_recording", room: this.roomId, record: false });
    } catch (error) {
      throw janusFailure(adapter, `stopping the recording to ${this.target}`, error);
    }
    const length = await this.finished();
    return { target: this.target, durationMs: Math.round((length.dataBytes / length.byteRate) * 1000), pausedMs: 0 };
  }

  /**
   * Waits until Janus closed the file: no temporary `.part` name left, the header's last update written (its data
   * size field at the file's size) and the size still for a poll.
   */
  private async finished(): Promise<{ dataBytes: number; byteRate: number }> {
    const deadline = Date.now() + FINISH_TIMEOUT_MS;
    let lastSize = -1;
    for (;;) {
      if (existsSync(this.target) && !existsSync(`${this.target}.part`)) {
        const size = statSync(this.target).size;
        if (size === lastSize && size >= 44 && headerDataField(this.target) >= size - 44) {
          const length = settleWav(this.target, size);
          if (length && length.byteRate > 0) return length;
        }
        lastSize = size;
      }
      if (Date.now() > deadline) throw McuErrors.recordFailed(this.context.adapter, this.target, `Janus did not close the file within ${FINISH_TIMEOUT_MS} ms`);
      await delay(40);
    }
  }
}

/** The data-size field of a WAV header (0 while AudioBridge has not updated it). */
function headerDataField(path: string): number {
  const fd = openSync(path, "r");
  try {
    const field = Buffer.alloc(4);
    return readSync(fd, field, 0, 4, 40) === 4 ? field.readUInt32LE(0) : 0;
  } finally {
    closeSync(fd);
  }
}
