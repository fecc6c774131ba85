/**
 * The MCU adapter contract: how Tandem asks a media mixer (an embedded engine or an external MCU / media server)
 * for rooms where parties hear each other. Conferencing, supervision (listen, whisper, barge), recording and
 * music on hold are all built on it.
 *
 * The `media` plugin owns the {@link MCU_ADAPTER} extension point: adapter plugins (`media-engine`, a vendor's
 * MCU) depend on `media` and provide an {@link McuAdapter} under their own name; `media` selects the one named
 * in its config and offers it to the rest of the system through {@link MEDIA_ROOMS}. A consumer never picks an
 * adapter itself.
 *
 * SDP offer/answer (RFC 3264) goes in either direction: a party that brings an offer gets the adapter's answer;
 * a party joined without one (an offerless re-INVITE, RFC 3725 flow I) gets the adapter's offer and completes
 * the join with {@link McuParty.accept}. A party already in the room can be given a fresh offer the same way
 * ({@link McuParty.offer}, then `accept`), e.g. when its phone sends an offerless re-INVITE mid-call (RFC 3261
 * §14.1). What a party hears changes with {@link McuParty.setMode}, at once and without a re-INVITE.
 *
 * An adapter declares what it can do in {@link McuCapabilities}; asking for anything it lacks is refused with a
 * coded error naming the adapter (`TANDEM_ERR_MCU_UNSUPPORTED`, `TANDEM_ERR_MCU_LIMIT` … see `McuErrors`),
 * never silently downgraded.
 */
import { defineExtensionPoint } from "./extension-points.js";

/**
 * How a party takes part in its room.
 * - `speak-listen`: heard by every other party, hears every other party (a conference member).
 * - `listen-only`: heard by nobody, hears every other party (silent monitoring).
 * - `whisper`: heard only by the parties named in {@link McuWhisperMode.to}, hears every other party (coaching).
 */
export type McuPartyModeName = "speak-listen" | "listen-only" | "whisper";

/** A party heard by every other party of the room. */
export interface McuSpeakListenMode {
  readonly mode: "speak-listen";
}

/** A party heard by nobody. */
export interface McuListenOnlyMode {
  readonly mode: "listen-only";
}

/** A party heard only by the chosen parties of the same room. */
export interface McuWhisperMode {
  readonly mode: "whisper";
  /** Ids of the parties that hear this one; parties not (or no longer) in the room are ignored. */
  readonly to: readonly string[];
}

/** A party's mode, with the whisper targets when it whispers. */
export type McuPartyMode = McuSpeakListenMode | McuListenOnlyMode | McuWhisperMode;

/** Layouts a recording can have. */
export type McuRecordingLayout = "mono" | "two-channel";

/** What an adapter can do; a request outside of it is refused with a coded error. */
export interface McuCapabilities {
  /** RTP encoding names the adapter mixes (SDP `a=rtpmap` names, e.g. `PCMU`, `PCMA`), in its order of preference. */
  readonly codecs: readonly string[];
  /** Party modes the adapter honours. */
  readonly modes: readonly McuPartyModeName[];
  /** RFC 4733 telephone-events: detected and reported as {@link McuTelephoneEvent}. */
  readonly telephoneEvents: boolean;
  /** Recording, or `null` when the adapter cannot record. */
  readonly record: {
    readonly layouts: readonly McuRecordingLayout[];
    /** Whether a recording can be paused (paused time is written as silence). */
    readonly pause: boolean;
    /** Container formats written, e.g. `wav`. */
    readonly formats: readonly string[];
  } | null;
  /** Playing media into a room or to one party, or `null` when the adapter cannot play. */
  readonly play: {
    /** URL schemes accepted as a source (`file`, `http`, `https`); a plain path counts as `file`. */
    readonly schemes: readonly string[];
    /** Container formats read, e.g. `wav`. */
    readonly formats: readonly string[];
    /** Whether a source can loop until stopped (music on hold). */
    readonly loop: boolean;
  } | null;
  /** Upper limits, each refused past with `TANDEM_ERR_MCU_LIMIT`. */
  readonly limits: {
    /** Rooms open at once. */
    readonly rooms: number;
    /** Parties in one room. */
    readonly partiesPerRoom: number;
  };
  /**
   * Joins without the party's offer ({@link McuJoinRequest.offer} absent: the adapter offers, `accept` completes).
   * Absent means true: the contract asked it of every adapter before the flag existed. When false, an offerless
   * join is refused with `TANDEM_ERR_MCU_UNSUPPORTED`.
   */
  readonly offerlessJoin?: boolean;
  /**
   * Fresh offers for a party already in a room ({@link McuParty.offer}). Absent means false: adapters written
   * before the flag have no `offer()`. When false, `offer()` is absent or refused with `TANDEM_ERR_MCU_UNSUPPORTED`.
   */
  readonly freshOffer?: boolean;
  /**
   * Reports of a party whose media stopped ({@link McuPartyInactive}). Absent means true, as for `offerlessJoin`.
   * When false, a join asking for {@link McuJoinRequest.inactivityMs} is refused with `TANDEM_ERR_MCU_UNSUPPORTED`.
   */
  readonly inactivityReports?: boolean;
}

/** The optional abilities of {@link McuCapabilities} with their defaults applied (see each flag). */
export interface McuAbilities {
  readonly offerlessJoin: boolean;
  readonly freshOffer: boolean;
  readonly inactivityReports: boolean;
}

/** Reads the optional ability flags of `capabilities`, an absent flag taking its documented default. */
export function mcuAbilities(capabilities: McuCapabilities): McuAbilities {
  return {
    offerlessJoin: capabilities.offerlessJoin ?? true,
    freshOffer: capabilities.freshOffer ?? false,
    inactivityReports: capabilities.inactivityReports ?? true,
  };
}

/** What a consumer needs of an adapter; checked against {@link McuCapabilities} by `mcuMissing`. */
export interface McuNeeds {
  readonly codecs?: readonly string[];
  readonly modes?: readonly McuPartyModeName[];
  readonly telephoneEvents?: boolean;
  readonly record?: { readonly layouts?: readonly McuRecordingLayout[]; readonly pause?: boolean };
  readonly play?: { readonly schemes?: readonly string[]; readonly loop?: boolean };
  /** Parties the consumer means to put in one room. */
  readonly partiesPerRoom?: number;
  /** Offerless joins ({@link McuCapabilities.offerlessJoin}). */
  readonly offerlessJoin?: boolean;
  /** Fresh offers to parties in a room ({@link McuCapabilities.freshOffer}). */
  readonly freshOffer?: boolean;
  /** Reports of parties whose media stopped ({@link McuCapabilities.inactivityReports}). */
  readonly inactivityReports?: boolean;
}

/** An adapter's health, as it reports it. A `down` adapter refuses new rooms (`TANDEM_ERR_MCU_DOWN`); rooms it still has go on where they can. */
export interface McuHealth {
  readonly status: "up" | "degraded" | "down";
  /** Why it is not `up`. */
  readonly detail?: string;
  readonly rooms: number;
  readonly parties: number;
}

/** Asks for a room. */
export interface McuRoomRequest {
  /** A label for logs and metrics (e.g. the ConnID the room serves). */
  readonly label?: string;
  /** Checked before the room is made: anything the adapter lacks is refused with a coded error. */
  readonly needs?: McuNeeds;
}

/** Asks for a party to join a room. */
export interface McuJoinRequest {
  /** The party's id, unique in the room (e.g. a DN or a leg id); made up by the adapter when absent. */
  readonly partyId?: string;
  /**
   * The party's SDP offer; absent for an offerless join, where the adapter makes the offer (RFC 3725), refused
   * by an adapter whose {@link McuCapabilities.offerlessJoin} is false.
   */
  readonly offer?: string;
  /** Default `speak-listen`. */
  readonly mode?: McuPartyMode;
  /**
   * Report the party inactive after this long without media from it (default: the adapter's own). Parties whose
   * SDP says they send nothing (`recvonly`, `inactive`) are not watched. Refused by an adapter whose
   * {@link McuCapabilities.inactivityReports} is false.
   */
  readonly inactivityMs?: number;
}

/** Something played into a room or to one party. */
export interface McuPlayRequest {
  /** A file path or a URL whose scheme is in {@link McuCapabilities.play}. */
  readonly source: string;
  /** Play again from the start until stopped (music on hold). Default false. */
  readonly loop?: boolean;
}

/** A running playback. */
export interface McuPlayback {
  readonly id: string;
  /** Stops it; resolves at once when it already ended. */
  stop(): Promise<void>;
  /** Resolves when it ends: played out, stopped, or its room or party went. */
  readonly ended: Promise<void>;
}

/**
 * Which parties are written to which channel of a two-channel recording. A party named here that is not (yet) in
 * the room is written from when it joins with that id (a recorder keeps a seat for a party that may come later).
 */
export interface McuTwoChannelLayout {
  readonly layout: "two-channel";
  /** Parties on the first (left) channel, e.g. the customer. */
  readonly left: readonly string[];
  /** Parties on the second (right) channel, e.g. the agent and a supervisor who barged in. */
  readonly right: readonly string[];
}

/** A recording of everything the room hears (every party but the listen-only ones, and what is played to the room), on one channel. */
export interface McuMonoLayout {
  readonly layout: "mono";
}

/** Asks to record a room. */
export interface McuRecordRequest {
  /** Where the file goes: a path the adapter can write, or a URL it understands. */
  readonly target: string;
  /** Default `wav`. */
  readonly format?: string;
  readonly channels: McuMonoLayout | McuTwoChannelLayout;
}

/** What a finished recording left. */
export interface McuRecordingResult {
  readonly target: string;
  /** Length of the recording, paused time included. */
  readonly durationMs: number;
  /** Of which paused (written as silence). */
  readonly pausedMs: number;
}

/** A running recording. */
export interface McuRecording {
  readonly id: string;
  /** Paused time is written as silence, so the recording keeps its length and the timeline stays true. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Ends the recording and closes the file. */
  stop(): Promise<McuRecordingResult>;
}

/** A party in a room. */
export interface McuParty {
  readonly id: string;
  readonly roomId: string;
  /**
   * The adapter's SDP: its answer when the party joined with an offer, or its offer for an offerless join
   * (then {@link accept} must follow with the party's answer before media flows).
   */
  readonly localSdp: string;
  /** Completes an offerless join, or a fresh {@link offer}, with the party's SDP answer (RFC 3264 §6). */
  accept(answer: string): Promise<void>;
  /**
   * A fresh offer from the room for this party (RFC 3264 §8), e.g. for the phone's offerless re-INVITE (RFC 3261
   * §14.1): it becomes {@link localSdp}, and {@link accept} completes it with the party's answer, which may move
   * the party's media to a new address or codec. Until then media goes on as last agreed. A new offer replaces one
   * left unanswered. Present, and not refused, only when {@link McuCapabilities.freshOffer} is true; an adapter
   * without it omits it or refuses with `TANDEM_ERR_MCU_UNSUPPORTED`.
   */
  offer?(): Promise<string>;
  /** A new offer from the party (a re-INVITE with SDP); resolves with the adapter's answer. */
  reoffer(offer: string): Promise<string>;
  /** Changes what the party hears and who hears it, with no re-INVITE. */
  setMode(mode: McuPartyMode): Promise<void>;
  /** Plays a source to this party alone. */
  play(request: McuPlayRequest): Promise<McuPlayback>;
  /** Leaves the room; its media ports are released. */
  leave(): Promise<void>;
}

/** A room: parties who hear each other as their modes allow. */
export interface McuRoom {
  readonly id: string;
  /** Ids of the parties now in the room. */
  parties(): readonly string[];
  join(request: McuJoinRequest): Promise<McuParty>;
  /** Plays a source to every party of the room. */
  play(request: McuPlayRequest): Promise<McuPlayback>;
  record(request: McuRecordRequest): Promise<McuRecording>;
  /** Ends every party, playback and recording of the room and releases its ports. */
  close(): Promise<void>;
}

/** A party whose media stopped: no RTP from it for {@link inactiveMs}. */
export interface McuPartyInactive {
  readonly type: "party-inactive";
  readonly roomId: string;
  readonly partyId: string;
  readonly inactiveMs: number;
}

/** A telephone-event (DTMF) a party sent (RFC 4733 §2.3), reported once when it ends. */
export interface McuTelephoneEvent {
  readonly type: "telephone-event";
  readonly roomId: string;
  readonly partyId: string;
  /** `0-9`, `*`, `#`, `A-D`, or the event number for others. */
  readonly event: string;
  readonly durationMs: number;
}

/** The adapter's health changed. */
export interface McuHealthChanged {
  readonly type: "health";
  readonly health: McuHealth;
}

/** A room ended without being asked to (its adapter or the part running it failed). */
export interface McuRoomLost {
  readonly type: "room-lost";
  readonly roomId: string;
  readonly reason: string;
}

/** What an adapter reports. */
export type McuEvent = McuPartyInactive | McuTelephoneEvent | McuHealthChanged | McuRoomLost;

/** A media mixer: what an adapter plugin provides on {@link MCU_ADAPTER}. */
export interface McuAdapter {
  /** The adapter's name, as named in `plugins.media.adapter` (by convention its plugin id). */
  readonly name: string;
  readonly capabilities: McuCapabilities;
  health(): McuHealth;
  /** Opens a room; refuses with a coded error when down, at its limit, or lacking a need. */
  createRoom(request?: McuRoomRequest): Promise<McuRoom>;
  /** Subscribes to the adapter's reports; returns the unsubscribe function. */
  onEvent(listener: (event: McuEvent) => void): () => void;
}

/**
 * The extension point where adapters are provided, by adapter name. Owned by the `media` plugin, which selects
 * one of them; adapter plugins list `media` in `dependsOn` and call `ctx.extensions.provide(MCU_ADAPTER, name, adapter)`
 * in `register`.
 */
export const MCU_ADAPTER = defineExtensionPoint<McuAdapter>("media.mcu");

/** The one place the rest of the system gets rooms: the configured adapter, as selected by the `media` plugin. */
export interface MediaRooms {
  /** The selected adapter's name. */
  readonly adapterName: string;
  readonly capabilities: McuCapabilities;
  health(): McuHealth;
  /** Opens a room on the selected adapter (`TANDEM_ERR_MCU_DOWN` while it is down). */
  createRoom(request?: McuRoomRequest): Promise<McuRoom>;
  onEvent(listener: (event: McuEvent) => void): () => void;
}

/**
 * The extension point where the `media` plugin offers {@link MediaRooms}; consumers list `media` in `dependsOn`
 * and call `ctx.extensions.get(MEDIA_ROOMS, DEFAULT_MEDIA_ROOMS)` (in `onReady` or later, once an adapter is selected).
 */
export const MEDIA_ROOMS = defineExtensionPoint<MediaRooms>("media.rooms");

/** The name under which the `media` plugin provides {@link MEDIA_ROOMS}. */
export const DEFAULT_MEDIA_ROOMS = "media";

/**
 * What of `needs` the capabilities lack, each as a short phrase (`mode whisper`, `codec G722`,
 * `26 parties per room (limit 20)`); empty when everything is there. Adapters and the `media` plugin use it to
 * refuse with `TANDEM_ERR_MCU_UNSUPPORTED` rather than downgrade.
 */
export function mcuMissing(capabilities: McuCapabilities, needs: McuNeeds): string[] {
  const missing: string[] = [];
  const has = (list: readonly string[], item: string): boolean => list.some((x) => x.toLowerCase() === item.toLowerCase());
  for (const codec of needs.codecs ?? []) if (!has(capabilities.codecs, codec)) missing.push(`codec ${codec}`);
  for (const mode of needs.modes ?? []) if (!capabilities.modes.includes(mode)) missing.push(`mode ${mode}`);
  if (needs.telephoneEvents && !capabilities.telephoneEvents) missing.push("telephone-events");
  if (needs.record) {
    const record = capabilities.record;
    if (!record) missing.push("recording");
    else {
      for (const layout of needs.record.layouts ?? []) if (!record.layouts.includes(layout)) missing.push(`${layout} recording`);
      if (needs.record.pause && !record.pause) missing.push("recording pause");
    }
  }
  if (needs.play) {
    const play = capabilities.play;
    if (!play) missing.push("play");
    else {
      for (const scheme of needs.play.schemes ?? []) if (!has(play.schemes, scheme)) missing.push(`play from ${scheme}:`);
      if (needs.play.loop && !play.loop) missing.push("play loop");
    }
  }
  const abilities = mcuAbilities(capabilities);
  if (needs.offerlessJoin && !abilities.offerlessJoin) missing.push("offerless join");
  if (needs.freshOffer && !abilities.freshOffer) missing.push("fresh offer");
  if (needs.inactivityReports && !abilities.inactivityReports) missing.push("inactivity reports");
  if (needs.partiesPerRoom !== undefined && needs.partiesPerRoom > capabilities.limits.partiesPerRoom) {
    missing.push(`${needs.partiesPerRoom} parties per room (limit ${capabilities.limits.partiesPerRoom})`);
  }
  return missing;
}

