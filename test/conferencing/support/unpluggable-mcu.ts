/**
 * An MCU that can be made to fail mid-call: an adapter (`unpluggable`) in front of the embedded engine that passes
 * everything through until `unplug()`, which closes every room it made (the media stops), reports each as
 * `room-lost` and the adapter as down, as an external MCU that crashed or lost its network would.
 */
import { definePlugin, MCU_ADAPTER, McuErrors, type McuAdapter, type McuEvent, type McuHealth, type McuRoom, type McuRoomRequest, type PluginDefinition } from "@tandem/sdk";

export class UnpluggableMcu implements McuAdapter {
  readonly name = "unpluggable";
  private down = false;
  private readonly rooms = new Set<McuRoom>();
  private readonly listeners = new Set<(event: McuEvent) => void>();

  constructor(private readonly inner: McuAdapter) {}

  get capabilities(): McuAdapter["capabilities"] {
    return this.inner.capabilities;
  }

  health(): McuHealth {
    const health = this.inner.health();
    return this.down ? { ...health, status: "down", detail: "unplugged" } : health;
  }

  async createRoom(request?: McuRoomRequest): Promise<McuRoom> {
    if (this.down) throw McuErrors.down(this.name, "unplugged");
    const room = await this.inner.createRoom(request);
    this.rooms.add(room);
    return room;
  }

  onEvent(listener: (event: McuEvent) => void): () => void {
    this.listeners.add(listener);
    const off = this.inner.onEvent(listener);
    return () => {
      this.listeners.delete(listener);
      off();
    };
  }

  /** Every room goes silent and is reported lost; then the adapter reports itself down. */
  async unplug(): Promise<void> {
    this.down = true;
    const rooms = [...this.rooms];
    this.rooms.clear();
    for (const room of rooms) await room.close().catch(() => undefined);
    for (const room of rooms) this.emit({ type: "room-lost", roomId: room.id, reason: "unplugged" });
    this.emit({ type: "health", health: this.health() });
  }

  private emit(event: McuEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** A plugin providing an {@link UnpluggableMcu} over the `media-engine` adapter; `holder.mcu` is set at register. */
export function unpluggablePlugin(holder: { mcu?: UnpluggableMcu }): PluginDefinition<unknown> {
  return definePlugin({
    manifest: { name: "unpluggable-mcu", version: "0.1.0", sdk: "^0.1.0", dependsOn: ["media"] },
    register(ctx) {
      const inner = ctx.extensions.get(MCU_ADAPTER, "media-engine");
      if (!inner) throw new Error("the media-engine adapter is not registered");
      holder.mcu = new UnpluggableMcu(inner);
      ctx.extensions.provide(MCU_ADAPTER, holder.mcu.name, holder.mcu);
    },
  });
}
