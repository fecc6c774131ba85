/** The MCU adapter conformance kit. */
export { mcuConformanceCases, runMcuConformance, type McuConformanceCase, type McuConformanceOptions, type McuConformanceResult } from "./mcu-conformance.js";
export { KIT_CANDIDATES, KIT_TONES } from "./kit-hearing.js";
