/**
 * The one place the rest of the system gets rooms ({@link MediaRooms}): the configured adapter, looked up on the
 * `media.mcu` extension point once adapter plugins have registered. It refuses new rooms while the adapter is down
 * and anything the adapter lacks, each with a coded error naming the adapter, before the adapter is asked.
 */
import {
  MCU_ADAPTER,
  McuErrors,
  mcuMissing,
  type Extensions,
  type McuAdapter,
  type McuEvent,
  type McuHealth,
  type McuRoom,
  type McuRoomRequest,
  type MediaRooms,
} from "@tandem/sdk";
import { MediaPluginErrors } from "./errors.js";

export class MediaRoomsService implements MediaRooms {
  private adapter: McuAdapter | undefined;
  private readonly listeners = new Set<(event: McuEvent) => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly extensions: Extensions,
    readonly adapterName: string,
  ) {}

  /** Finds the configured adapter; throws `TANDEM_ERR_MCU_NO_ADAPTER` when no plugin provides it. */
  select(): McuAdapter {
    if (this.adapter) return this.adapter;
    const adapter = this.extensions.get(MCU_ADAPTER, this.adapterName);
    if (!adapter) {
      const provided = [...this.extensions.all(MCU_ADAPTER).keys()];
      throw MediaPluginErrors.noAdapter(this.adapterName, provided.length > 0 ? provided.join(", ") : "none");
    }
    this.adapter = adapter;
    this.unsubscribe = adapter.onEvent((event) => {
      for (const listener of this.listeners) listener(event);
    });
    return adapter;
  }

  get capabilities(): McuAdapter["capabilities"] {
    return this.select().capabilities;
  }

  health(): McuHealth {
    return this.select().health();
  }

  async createRoom(request: McuRoomRequest = {}): Promise<McuRoom> {
    const adapter = this.select();
    const health = adapter.health();
    if (health.status === "down") throw McuErrors.down(adapter.name, health.detail ?? "reported down");
    const missing = request.needs ? mcuMissing(adapter.capabilities, request.needs) : [];
    if (missing.length > 0) throw McuErrors.unsupported(adapter.name, missing.join(", "));
    return adapter.createRoom(request);
  }

  onEvent(listener: (event: McuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe?.();
    this.listeners.clear();
  }
}
