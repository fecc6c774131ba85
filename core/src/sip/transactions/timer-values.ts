/**
 * RFC 3261 §17 timer values (Table 4, Appendix A) derived from the configured T1/T2/T4, for
 * unreliable transports (the only ones this layer serves).
 */
import type { SipTimerConfig } from "./timer-config.js";

export interface TimerValues {
  /** RTT estimate (default 500 ms). */
  T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses (default 4 s). */
  T2: number;
  /** Maximum time a message stays in the network (default 5 s). */
  T4: number;
  /** INVITE request retransmit interval, initially T1 (§17.1.1.2). */
  TIMER_A: number;
  /** INVITE transaction timeout, 64·T1 (§17.1.1.2). */
  TIMER_B: number;
  /** Wait time for response retransmissions to our INVITE, ≥ 32 s for UDP (§17.1.1.2). */
  TIMER_D: number;
  /** Non-INVITE request retransmit interval, initially T1 (§17.1.2.2). */
  TIMER_E: number;
  /** Non-INVITE transaction timeout, 64·T1 (§17.1.2.2). */
  TIMER_F: number;
  /** INVITE non-2xx final response retransmit interval, initially T1 (§17.2.1). */
  TIMER_G: number;
  /** Wait time for ACK receipt, 64·T1 (§17.2.1). */
  TIMER_H: number;
  /** Wait time for ACK retransmissions, T4 (§17.2.1). */
  TIMER_I: number;
  /** Wait time for non-INVITE request retransmissions, 64·T1 (§17.2.2). */
  TIMER_J: number;
  /** Wait time for non-INVITE response retransmissions, T4 (§17.1.2.2). */
  TIMER_K: number;
}

/** Table 4 of RFC 3261 from the three bases. Timer D is "at least 32 s": 32 s, or 64·T1 when T1 is raised. */
export function timerValues(t: SipTimerConfig): TimerValues {
  const { t1: T1, t2: T2, t4: T4 } = t;
  return {
    T1,
    T2,
    T4,
    TIMER_A: T1,
    TIMER_B: 64 * T1,
    TIMER_D: Math.max(32_000, 64 * T1),
    TIMER_E: T1,
    TIMER_F: 64 * T1,
    TIMER_G: T1,
    TIMER_H: 64 * T1,
    TIMER_I: T4,
    TIMER_J: 64 * T1,
    TIMER_K: T4,
  };
}
