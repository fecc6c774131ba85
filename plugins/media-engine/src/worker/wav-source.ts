/**
 * Loading what is played: a WAV file from a path, a `file:` URL or an `http(s):` URL, decoded with the `wavefile`
 * library into 8000 Hz mono 16-bit samples, the mixer's own format (µ-law, A-law, IMA ADPCM, 8–32-bit and float
 * PCM are converted; other rates resampled; channels averaged). Decoded files are kept by path, size and
 * modification time, so the same hold music for many parties is decoded once.
 */
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import wavefile from "wavefile";

export const MIX_RATE = 8000;
const MAX_BYTES = 64 * 1024 * 1024;
const CACHE_ENTRIES = 16;

interface WavFormat {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
}

const cache = new Map<string, Int16Array>();

/** Why a source could not be loaded, for the coded error. */
export class SourceError extends Error {}

function decode(bytes: Uint8Array): Int16Array {
  let wav: InstanceType<typeof wavefile.WaveFile>;
  try {
    wav = new wavefile.WaveFile(bytes);
  } catch (err) {
    throw new SourceError(`not a WAV file (${(err as Error).message})`);
  }
  // Each conversion replaces (and clears) the fmt chunk object: read it afresh every time.
  const format = (): WavFormat => wav.fmt as WavFormat;
  const encoding = format().audioFormat;
  if (encoding === 7) wav.fromMuLaw();
  else if (encoding === 6) wav.fromALaw();
  else if (encoding === 17) wav.fromIMAADPCM();
  wav.toBitDepth("16");
  if (format().sampleRate !== MIX_RATE) wav.toSampleRate(MIX_RATE);
  const channels = Math.max(1, format().numChannels);
  const interleaved = wav.getSamples(true, Int16Array) as unknown as Int16Array;
  if (channels === 1) return interleaved;
  const mono = new Int16Array(Math.floor(interleaved.length / channels));
  for (let i = 0; i < mono.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[i * channels + c] as number;
    mono[i] = Math.round(sum / channels);
  }
  return mono;
}

async function loadFile(path: string): Promise<Int16Array> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new SourceError((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  if (!info.isFile()) throw new SourceError("not a file");
  if (info.size > MAX_BYTES) throw new SourceError(`larger than ${MAX_BYTES} bytes`);
  const key = `${path}\0${info.size}\0${info.mtimeMs}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const samples = decode(await readFile(path));
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, samples);
  return samples;
}

async function loadUrl(url: string): Promise<Int16Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new SourceError((err as Error).message);
  }
  if (!response.ok) throw new SourceError(`HTTP ${response.status}`);
  const body = new Uint8Array(await response.arrayBuffer());
  if (body.length > MAX_BYTES) throw new SourceError(`larger than ${MAX_BYTES} bytes`);
  return decode(body);
}

/** The source's samples at 8000 Hz mono; rejects with a {@link SourceError}. */
export async function loadSource(source: string): Promise<Int16Array> {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(source)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme.length === 1) return loadFile(source);
  if (scheme === "file") return loadFile(fileURLToPath(source));
  if (scheme === "http" || scheme === "https") return loadUrl(source);
  throw new SourceError(`scheme ${scheme}: is not supported`);
}

/** A loaded source played frame by frame. */
export class Player {
  private position = 0;

  constructor(
    readonly id: string,
    private readonly samples: Int16Array,
    private readonly loop: boolean,
  ) {}

  /** Adds the next frame into `mix`; false once played out (nothing added). */
  addTo(mix: Int32Array): boolean {
    if (this.samples.length === 0) return false;
    for (let i = 0; i < mix.length; i++) {
      if (this.position >= this.samples.length) {
        if (!this.loop) return i > 0;
        this.position = 0;
      }
      mix[i] = (mix[i] as number) + (this.samples[this.position++] as number);
    }
    return true;
  }

  get done(): boolean {
    return !this.loop && this.position >= this.samples.length;
  }
}
