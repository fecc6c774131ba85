/** The admin API with the signed-in token in the Authorization header (never in the URL). */

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export class Api {
  constructor(private readonly token: string) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...extra };
  }

  async get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "") params.set(key, value);
    const url = `/api/v1${path}${params.size > 0 ? `?${params.toString()}` : ""}`;
    const response = await this.checked(await fetch(url, { headers: this.headers(), cache: "no-store" }));
    return (await response.json()) as T;
  }

  /** A POST or DELETE with a JSON body; undefined for an answer without one (204). */
  async send<T>(method: "POST" | "DELETE", path: string, body?: unknown): Promise<T | undefined> {
    const init: RequestInit = { method, headers: this.headers(body === undefined ? {} : { "content-type": "application/json" }), cache: "no-store" };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await this.checked(await fetch(`/api/v1${path}`, init));
    return response.status === 204 ? undefined : ((await response.json()) as T);
  }

  /** A binary resource (a recording) as a Blob, fetched with the token in the header. */
  async blob(path: string): Promise<Blob> {
    const response = await this.checked(await fetch(`/api/v1${path}`, { headers: this.headers(), cache: "no-store" }));
    return response.blob();
  }

  /** The response if 2xx; otherwise its coded error (`TANDEM_ERR_…`) as an ApiError. */
  private async checked(response: Response): Promise<Response> {
    if (response.ok) return response;
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(response.status, body.error?.code ?? `HTTP_${response.status}`, body.error?.message ?? response.statusText);
  }

  /** Like `get`, but undefined when the route does not exist (a plugin that is not enabled). */
  async optional<T>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }
}
