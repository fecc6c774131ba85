/**
 * A real sip.js `UserAgentCore` with a recording `Transport`, to feed parsed messages into (as the stack will)
 * and read back what the core sends. `Math.random` is seeded while a scenario runs so that tags, branches and
 * Call-IDs are the same for both parser paths and the traces can be compared byte for byte.
 */
import {
  LoggerFactory,
  URI,
  UserAgentCore,
  type IncomingRequestMessage,
  type IncomingResponseMessage,
  type Transport,
  type UserAgentCoreConfiguration,
  type UserAgentCoreDelegate,
} from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../../core/src/sip/parser/parse-message.js";
import { Random } from "./message-generator.js";

export type Message = IncomingRequestMessage | IncomingResponseMessage;
export type ParseFn = (text: string) => Message;

/** Our parser on one stream-framed message (as over TCP); a parse failure throws, since the test wrote the text. */
export const parseOurs: ParseFn = (text) => {
  const outcome = parseSipMessage(Buffer.from(text), { datagram: false });
  if (!outcome.ok) throw new Error(outcome.error.reason);
  return outcome.message;
};

export interface Harness {
  core: UserAgentCore;
  config: UserAgentCoreConfiguration;
  /** Everything the core sent, in order. */
  sent: string[];
  /** Delegate calls and other events the scenario records. */
  events: string[];
  /** Parses `text` with the scenario's parser and hands it to the core, as the stack does. */
  receive(text: string): void;
}

export function makeHarness(parse: ParseFn, delegate: UserAgentCoreDelegate = {}): Harness {
  const sent: string[] = [];
  const transport: Transport = {
    protocol: "TCP",
    send(message: string) {
      sent.push(message);
      return Promise.resolve();
    },
  };
  const loggerFactory = new LoggerFactory();
  loggerFactory.builtinEnabled = false;
  const contactUri = new URI("sip", "tandem", "10.0.0.1", 5060);
  const config: UserAgentCoreConfiguration = {
    aor: new URI("sip", "tandem", "10.0.0.1"),
    contact: { pubGruu: undefined, tempGruu: undefined, uri: contactUri, toString: () => "<sip:tandem@10.0.0.1:5060;transport=tcp>" },
    displayName: "",
    loggerFactory,
    hackViaTcp: false,
    routeSet: [],
    sipjsId: "tandem",
    supportedOptionTags: ["timer"],
    supportedOptionTagsResponse: ["timer"],
    userAgentHeaderFieldValue: undefined,
    viaForceRport: false,
    viaHost: "10.0.0.1:5060",
    authenticationFactory: () => undefined,
    transportAccessor: () => transport,
  };
  const core = new UserAgentCore(config, delegate);
  const harness: Harness = {
    core,
    config,
    sent,
    events: [],
    receive(text: string) {
      const message = parse(text);
      if ("statusCode" in message && message.statusCode !== undefined) {
        core.receiveIncomingResponseFromTransport(message as IncomingResponseMessage);
      } else {
        const request = message as IncomingRequestMessage;
        // The stack's R-URI workaround (sipjs-fastpath.md §B): accept requests for any DN.
        if (request.ruri) config.aor = request.ruri;
        core.receiveIncomingRequestFromTransport(request);
      }
    },
  };
  return harness;
}

/** Runs `fn` with `Math.random` replaced by a seeded generator. */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  const r = new Random(seed);
  Math.random = () => r.next();
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}

/** The value of header `name` in a message the core sent. */
export function headerOf(text: string, name: string): string {
  const match = new RegExp(`^${name}: (.*)$`, "im").exec(text);
  if (!match?.[1]) throw new Error(`no ${name} in:\n${text}`);
  return match[1];
}

export function tagOf(value: string): string {
  const match = /;tag=([^;>\s]+)/.exec(value);
  if (!match?.[1]) throw new Error(`no tag in ${value}`);
  return match[1];
}

export function withLength(lines: string[], body = ""): string {
  return [...lines, `Content-Length: ${Buffer.byteLength(body)}`, "", body].join("\r\n");
}
