/** A plain pause for tests that must let time pass (Node's promise timer, not a copy of it). */
export { setTimeout as sleep } from "node:timers/promises";
