/**
 * Coded errors of the presence plugin. Each code has a row under `## presence` in `docs/errors.md`.
 * Most of them never reach a caller: they are logged (with the DN) and counted, because a bad NOTIFY or a
 * dead notifier must not stop the plugin or the process.
 */
import { defineError } from "@tandem/sdk";

export const PresenceErrors = {
  noNotifier: defineError(
    "TANDEM_ERR_PRESENCE_NO_NOTIFIER",
    "no presence notifier: %s",
  ),
  badContact: defineError("TANDEM_ERR_PRESENCE_BAD_CONTACT", "notifier DN %s has an unusable contact URI %s"),
  bodyTooLarge: defineError("TANDEM_ERR_PRESENCE_BODY_TOO_LARGE", "PIDF body of %s bytes exceeds the limit of %s bytes"),
  notXml: defineError("TANDEM_ERR_PRESENCE_NOT_XML", "PIDF body is not well-formed XML: %s"),
  wrongNamespace: defineError("TANDEM_ERR_PRESENCE_WRONG_NAMESPACE", "PIDF root element is %s, expected presence in %s"),
  missingBasic: defineError("TANDEM_ERR_PRESENCE_MISSING_BASIC", "PIDF body has no basic status in any tuple or person"),
  badContentType: defineError("TANDEM_ERR_PRESENCE_CONTENT_TYPE", "NOTIFY body has Content-Type %s, expected application/pidf+xml"),
  subscribeFailed: defineError("TANDEM_ERR_PRESENCE_SUBSCRIBE_FAILED", "SUBSCRIBE for DN %s to %s failed: %s"),
  unconfirmed: defineError(
    "TANDEM_ERR_PRESENCE_UNCONFIRMED",
    "presence of DN %s not confirmed within %s ms (%s): agent set NotReady (presence-unconfirmed) until a NOTIFY arrives",
  ),
  unknownDn: defineError("TANDEM_ERR_PRESENCE_UNKNOWN_DN", "DN %s is not watched for presence", { httpStatus: 404 }),
} as const;
