/**
 * Answers `startTreatment`: picks the queue's announcement, INVITEs the media servers in order (RFC 4240
 * announcement service, the caller's offer as ours) until one answers, and hands back the running treatment.
 * Server failures move on to the next server within the same request and hold the server down for later
 * calls; a refusal of the treatment itself (4xx, 6xx) stops at once. Every way out that has no treatment is
 * logged with a coded error and answers `null`: the caller keeps ringback.
 */
import type { EventBus, Logger, MediaRooms, SipLeg, SipTransportName, SipVerbs, TandemError, Treatment, TreatmentRequest } from "@tandem/sdk";
import { startEmbeddedTreatment } from "./embedded-treatment.js";
import { MediaErrors } from "./errors.js";
import { attemptInvite, type AttemptOutcome } from "./invite-attempt.js";
import type { MediaServerConfig } from "./manifest.js";
import type { MediaMetrics } from "./media-metrics.js";
import { MediaTreatment } from "./media-treatment.js";
import { announcementUri, contactTransport, type Announcement } from "./netann-uri.js";
import type { Endpoint } from "./server-directory.js";
import type { ServerPool } from "./server-pool.js";
import { selectTreatment } from "./treatment-selector.js";

export interface StarterDeps {
  readonly sip: SipVerbs;
  readonly pool: ServerPool;
  readonly config: MediaServerConfig;
  readonly log: Logger;
  readonly bus: EventBus;
  readonly metrics: MediaMetrics;
  /** The plugin id, as the `source` of events. */
  readonly source: string;
  /** The `media` plugin's rooms, when it is enabled (for music without a media server). */
  readonly rooms?: () => MediaRooms | undefined;
}

/** A caller number usable as the user part of our From URI; anything else (anonymous, spaces) is left out. */
const USER_PART = /^[A-Za-z0-9+*#._-]{1,64}$/;

export class TreatmentStarter {
  private readonly running = new Set<MediaTreatment>();

  constructor(private readonly deps: StarterDeps) {}

  /** Treatments running now. */
  get active(): number {
    return this.running.size;
  }

  /** Stops every running treatment (shutdown): no dialog with a media server outlives the plugin. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((t) => t.stop()));
  }

  async start(request: TreatmentRequest): Promise<Treatment | null> {
    const announcement = selectTreatment(this.deps.config.treatments, request.queue);
    const candidates = this.deps.pool.candidates();
    const embedded = candidates.length === 0 ? this.embedded(request.queue) : undefined;
    if (announcement === null && embedded === undefined) return this.none("no-treatment");
    if (request.signal.aborted) return this.none("aborted");
    if (!request.offer || request.offer.trim() === "") {
      // CUCM trunks send delayed-offer INVITEs unless told otherwise: ordinary, so no EventError.
      const e = MediaErrors.noOffer(request.connId, request.queue);
      this.deps.log.info({ code: e.code, connId: request.connId }, e.message);
      return this.none("no-offer");
    }
    if (embedded !== undefined) return this.startEmbedded(embedded.rooms, embedded.music, request);
    if (candidates.length === 0 || announcement === null) return this.none("no-server", request, MediaErrors.noServer(request.queue));
    const tried: string[] = [];
    for (const endpoint of candidates) {
      tried.push(endpoint.uri);
      const outcome = await this.attempt(endpoint, announcement, request);
      if (outcome.kind === "answered") return this.begin(endpoint, announcement, request, outcome.leg);
      if (outcome.kind === "aborted") return this.none("aborted");
      this.deps.metrics.failed.inc({ server: endpoint.server, reason: outcome.kind === "refused" ? "refused" : outcome.label });
      if (outcome.kind === "refused") {
        return this.none("refused", request, MediaErrors.refused(endpoint.server, announcement.play, outcome.reason));
      }
      this.deps.pool.failed(endpoint, outcome.reason);
      const e = MediaErrors.serverFailed(endpoint.server, endpoint.uri, outcome.reason);
      this.deps.log.warn({ code: e.code, connId: request.connId, server: endpoint.server, uri: endpoint.uri }, e.message);
    }
    return this.none("all-failed", request, MediaErrors.allFailed(request.queue, tried.join(", ")));
  }

  /** Music from the media plugin's rooms for `queue`, when it has rooms up and the queue is not set to ringback. */
  private embedded(queue: string): { rooms: MediaRooms; music: string } | undefined {
    const music = this.deps.config.embeddedMusic;
    const queues = this.deps.config.treatments.queues ?? {};
    if (music === false || (Object.prototype.hasOwnProperty.call(queues, queue) && queues[queue] === null)) return undefined;
    const rooms = this.deps.rooms?.();
    if (!rooms || rooms.health().status === "down") return undefined;
    return { rooms, music };
  }

  private async startEmbedded(rooms: MediaRooms, music: string, request: TreatmentRequest): Promise<Treatment | null> {
    try {
      const treatment = await startEmbeddedTreatment(rooms, music, request, this.deps.log);
      this.deps.metrics.started.inc({ server: treatment.server });
      return treatment;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return this.none("embedded-failed", request, MediaErrors.embeddedFailed(rooms.adapterName, music, request.queue, reason));
    }
  }

  private attempt(endpoint: Endpoint, announcement: Announcement, request: TreatmentRequest): Promise<AttemptOutcome> {
    const transport: SipTransportName | undefined = contactTransport(endpoint.contact);
    const user = request.ani !== undefined && USER_PART.test(request.ani) ? request.ani : undefined;
    return attemptInvite(this.deps.sip, {
      endpoint,
      target: announcementUri(endpoint.contact, announcement, this.deps.config.announcementUser),
      from: this.fromUri(user, transport),
      offer: request.offer,
      connId: request.connId,
      answerTimeoutMs: this.deps.config.answerTimeoutMs,
      signal: request.signal,
    });
  }

  /** Our From URI; without it (no listener for that transport) the stack's default From is used. */
  private fromUri(user: string | undefined, transport: SipTransportName | undefined): string | undefined {
    try {
      return this.deps.sip.localUri(user, transport);
    } catch {
      return undefined;
    }
  }

  private begin(endpoint: Endpoint, announcement: Announcement, request: TreatmentRequest, leg: SipLeg): Treatment {
    const { pool, metrics, log } = this.deps;
    pool.succeeded(endpoint);
    metrics.started.inc({ server: endpoint.server });
    const untrack = pool.track(endpoint.server);
    log.debug({ connId: request.connId, server: endpoint.server, callId: leg.callId }, "treatment started");
    const treatment: MediaTreatment = new MediaTreatment({
      server: endpoint.server,
      media: announcement.play,
      leg,
      signal: request.signal,
      onGone: (reason) => {
        untrack();
        this.running.delete(treatment);
        if (reason.by === "local") return;
        const e = MediaErrors.ended(endpoint.server, request.connId, reason.status ? `${reason.by} ${reason.status}` : reason.by);
        // A media server that hangs up a finite announcement is normal; a failure is worth a warning.
        if (reason.by === "remote") log.info({ code: e.code, connId: request.connId }, e.message);
        else log.warn({ code: e.code, connId: request.connId }, e.message);
      },
    });
    if (treatment.state === "confirmed") this.running.add(treatment);
    return treatment;
  }

  /** No treatment: counted, and logged with its code unless it is the ordinary "this queue has none". */
  private none(why: string, request?: TreatmentRequest, error?: TandemError): null {
    this.deps.metrics.notApplied.inc({ why });
    if (request !== undefined && error !== undefined) {
      this.deps.log.warn({ code: error.code, connId: request.connId, queue: request.queue }, error.message);
      this.deps.bus.emit("EventError", {
        dn: request.routingPoint,
        connId: request.connId,
        source: this.deps.source,
        data: { code: error.code, message: error.message, queue: request.queue },
      });
    }
    return null;
  }
}
