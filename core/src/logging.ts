/** The process logger (pino): JSON lines to stdout; areas and plugins get child loggers. */
import pino from "pino";
import type { Logger } from "@tandem/sdk";
import type { LogLevel } from "./config/types.js";

/** A pino logger for the whole process. `destination` lets tests capture lines. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = { level, base: { app: "tandem" }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything (tests, fakes). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
