/**
 * Coded errors of the SIP transport layer (`docs/errors.md`, section `sip-transport`).
 * Send failures carry SIP status 503 so the stack can turn them into the transport failure of
 * RFC 3261 §8.1.3.1 / §17.1.4.
 */
import { defineError } from "@tandem/sdk";

export const TransportErrors = {
  listen: defineError("TANDEM_ERR_SIP_TRANSPORT_LISTEN", "cannot listen on %s %s:%s: %s"),
  tlsFiles: defineError("TANDEM_ERR_SIP_TRANSPORT_TLS_FILES", "TLS listener %s:%s: cannot read %s file %s: %s"),
  noListener: defineError("TANDEM_ERR_SIP_TRANSPORT_NO_LISTENER", "no %s listener to send from", { sipStatus: 503 }),
  connect: defineError("TANDEM_ERR_SIP_TRANSPORT_CONNECT", "cannot connect to %s %s:%s: %s", { sipStatus: 503 }),
  send: defineError("TANDEM_ERR_SIP_TRANSPORT_SEND", "cannot send to %s %s:%s: %s", { sipStatus: 503 }),
  framing: defineError("TANDEM_ERR_SIP_TRANSPORT_FRAMING", "stream from %s:%s closed: %s"),
  incomplete: defineError("TANDEM_ERR_SIP_TRANSPORT_INCOMPLETE", "stream from %s:%s closed: a message begun %s ms ago is still incomplete"),
  refused: defineError("TANDEM_ERR_SIP_TRANSPORT_REFUSED", "%s connection from %s refused: %s"),
  socket: defineError("TANDEM_ERR_SIP_TRANSPORT_SOCKET", "socket error on %s: %s"),
  stopped: defineError("TANDEM_ERR_SIP_TRANSPORT_STOPPED", "the SIP transport layer is not running", { sipStatus: 503 }),
  noRoute: defineError("TANDEM_ERR_SIP_TRANSPORT_NO_ROUTE", "cannot find the next hop of %s: %s", { sipStatus: 503 }),
} as const;
