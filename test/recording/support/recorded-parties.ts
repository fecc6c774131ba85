/**
 * The parties of a recorded call passed between two agents: agent 1001, agent 1002 and a customer, each phone
 * sending its own tone (distinct frequencies, so tone detection tells them apart in the file or the SRS streams),
 * and the fields every desktop request of those tests carries.
 */

/** Tone (Hz) of agent 1001's phone. */
export const AGENT_1 = 700;
/** Tone (Hz) of agent 1002's phone. */
export const AGENT_2 = 1100;
/** Tone (Hz) of the customer's phone. */
export const CUSTOMER = 400;
export const CUSTOMER_NUMBER = "5550100";
/** Every party's tone, to detect them all. */
export const TONES = [AGENT_1, AGENT_2, CUSTOMER];

/** The desktop request fields: `dn` (agent 1001 unless named) asking with `referenceId`. */
export const base = (referenceId: string, dn = "1001") => ({ dn, referenceId, source: "desktop" });
