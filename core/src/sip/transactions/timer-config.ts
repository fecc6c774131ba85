/** RFC 3261 §17 timer bases (ms) the reliability layer and sip.js run on. */
export interface SipTimerConfig {
  t1: number;
  t2: number;
  t4: number;
}
