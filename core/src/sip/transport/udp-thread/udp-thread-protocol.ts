/**
 * Messages between the SIP thread and the UDP socket thread. Datagrams cross in batches, one per turn of the
 * sending side's event loop: their bytes packed into one `ArrayBuffer` that is transferred, not copied, with each
 * datagram's length and peer beside it. Each outgoing batch is answered once every datagram of it has been handed
 * to the kernel, with the send errors by index.
 */

/** Index of the shared count of received bytes posted to the SIP thread and not yet taken by it. */
export const BACKLOG_SLOT = 0;
export const SHARED_SLOTS = 1;

export interface UdpThreadSettings {
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** Kernel socket buffer sizes asked for. */
  readonly socketBufferBytes: number;
  /**
   * Received bytes the SIP thread may hold unread: past this the thread drops datagrams, as a full kernel buffer
   * would, so an overloaded SIP thread meets the peers' retransmissions rather than a queue without end.
   */
  readonly backlogBytes: number;
  /** `Int32Array` over a `SharedArrayBuffer` of {@link SHARED_SLOTS} slots. */
  readonly shared: Int32Array;
}

/** Datagrams packed into one buffer: datagram `i` is `bytes[offset(i), offset(i) + lengths[i])`. */
export interface DatagramBatch {
  readonly bytes: ArrayBuffer;
  readonly lengths: readonly number[];
  readonly addresses: readonly string[];
  readonly ports: readonly number[];
}

export type ToUdpThread = { readonly kind: "send"; readonly n: number; readonly batch: DatagramBatch } | { readonly kind: "stop" };

export type FromUdpThread =
  | { readonly kind: "bound"; readonly address: string; readonly port: number }
  | { readonly kind: "bind-failed"; readonly reason: string }
  | { readonly kind: "received"; readonly batch: DatagramBatch; readonly keepAlives: number; readonly dropped: number }
  | { readonly kind: "sent"; readonly n: number; readonly errors: ReadonlyArray<readonly [index: number, reason: string]> }
  | { readonly kind: "socket-error"; readonly reason: string }
  | { readonly kind: "stopped" };

/**
 * Packs datagrams into one transferable buffer. A message given as text is encoded (UTF-8) straight into it, so it
 * is not first made a Buffer of its own and then copied.
 */
export function packDatagrams(datagrams: ReadonlyArray<string | Uint8Array>, addresses: string[], ports: number[]): DatagramBatch {
  const lengths = datagrams.map((d) => (typeof d === "string" ? Buffer.byteLength(d) : d.length));
  let total = 0;
  for (const length of lengths) total += length;
  const bytes = new ArrayBuffer(total);
  const view = Buffer.from(bytes);
  let offset = 0;
  datagrams.forEach((d, i) => {
    if (typeof d === "string") view.write(d, offset);
    else view.set(d, offset);
    offset += lengths[i] ?? 0;
  });
  return { bytes, lengths, addresses, ports };
}
