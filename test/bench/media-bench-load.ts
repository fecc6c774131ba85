/**
 * The load both media benchmarks put on a mixer (bench:media's embedded engine, bench:media-janus's Janus): rooms
 * of three G.711 parties, the parties sending and receiving in a child process (media-bench-parties.ts) so that
 * the CPU measured by the bench is the mixer's own, and the figures the parties report.
 */
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** What the benches need of a mixer: rooms that a party joins with its SDP offer. */
export interface BenchMixer {
  createRoom(options: { label: string }): Promise<{ join(party: { partyId: string; offer: string }): Promise<{ localSdp: string }> }>;
}

/** The parties' own figures over the measured seconds. */
export interface PartyOutput {
  parties: number;
  sent: number;
  received: number;
  lost: number;
  late: number;
  /** Received frames of the mix that lacked one of the room's other voices (decoded: a hole the listener hears). */
  missingVoice: number;
  silentParties: number;
  /** Parties whose own frames late, lost or missing a voice stayed within 0.1 %, and that heard something. */
  sustainedParties: number;
  /** Frames the parties' process itself sent over a frame late (its own stalls: the machine, not the mixer). */
  senderLate: number;
  /** The parties' process's own CPU while measuring, % of one core (it shares the machine with the mixer). */
  cpuPercent: number;
}

export interface BenchLoad {
  /** The parties' figures, once they have measured for the given seconds after the warm-up. */
  output: Promise<PartyOutput>;
  /** Ends the parties' child process. */
  stop(): void;
}

function offer(port: number): string {
  return `v=0\r\no=bench ${port} 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n`;
}

/** Starts the parties, puts them three to a room on `mixer` and starts them sending (warm-up first). */
export async function startBenchLoad(mixer: BenchMixer, rooms: number, seconds: number, warmupMs: number): Promise<BenchLoad> {
  const parties = rooms * 3;
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("./media-bench-parties.ts", import.meta.url)), String(parties)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const nextLine = (): Promise<string> => new Promise((resolve) => lines.once("line", resolve));
  const { ports } = JSON.parse(await nextLine()) as { ports: number[] };

  const targets: number[] = [];
  for (let r = 0; r < rooms; r++) {
    const room = await mixer.createRoom({ label: `bench-${r}` });
    for (let p = 0; p < 3; p++) {
      const party = await room.join({ partyId: `p${p}`, offer: offer(ports[r * 3 + p] as number) });
      targets.push(Number(/m=audio (\d+)/.exec(party.localSdp)?.[1]));
    }
  }
  child.stdin.write(`${JSON.stringify({ targets, seconds, warmupMs })}\n`);
  const output = nextLine().then((line) => JSON.parse(line) as PartyOutput);
  return { output, stop: () => child.kill() };
}

export const pct = (part: number, whole: number): string => `${((100 * part) / Math.max(1, whole)).toFixed(3)} %`;

/** The parties' frames late, lost or missing a voice, the frames due, and whether every party was sustained. */
export function partyOutcome(out: PartyOutput): { bad: number; due: number; sustained: boolean } {
  const bad = out.lost + out.late + out.missingVoice;
  const due = out.received + out.lost;
  return { bad, due, sustained: out.sustainedParties === out.parties };
}

/** The report's line on what the parties received, the same in both benches. */
export function partyOutputLine(out: PartyOutput): string {
  const { bad, due } = partyOutcome(out);
  return [
    `output (party side):     sent ${out.sent}, received ${out.received}; lost ${out.lost}, late > 40 ms ${out.late}, missing a voice ${out.missingVoice}`,
    ` = ${pct(bad, due)} of ${due} due; silent parties ${out.silentParties}`,
    `\nparties' own process:    ${out.cpuPercent.toFixed(1)} % of one core; frames it sent over a frame late ${out.senderLate}`,
  ].join("");
}

/** The report's first figure: parties counted one by one (each within 0.1 % and not silent), beside the overall share. */
export function sustainedLine(out: PartyOutput): string {
  const { bad, due } = partyOutcome(out);
  return `parties sustained:       ${out.sustainedParties} of ${out.parties} (each: its own frames late, lost or missing a voice ≤ 0.1 %, not silent); all parties together ${pct(bad, due)}`;
}

/** The machine the figures were taken on, and how loaded it was at the end. */
export function machineLine(): string {
  return `machine:                 ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at the end`;
}
